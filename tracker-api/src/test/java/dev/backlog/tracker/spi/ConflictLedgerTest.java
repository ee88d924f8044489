package dev.backlog.tracker.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConflictLedgerTest {

  @TempDir Path dir;
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z"));
  private static final CardId A = CardId.of("A1");

  private ConflictLedger synced() {
    ConflictLedger ledger = ConflictLedger.open(dir.resolve("ledger.json"), clock);
    ledger.recordSynced(A, Map.of("title", "Parser", "status", "planned", "body", "b"));
    return ledger;
  }

  @Test
  void aFieldChangedOnlyLocallyIsPushedAndOneChangedOnlyRemotelyIsPulled() {
    Merge merge =
        synced()
            .merge(
                A,
                Map.of("title", "Parser v2", "status", "planned", "body", "b"),
                Map.of("title", "Parser", "status", "in_progress", "body", "b"));
    assertEquals(
        Map.of("title", "Parser v2", "status", "in_progress", "body", "b"), merge.merged());
    assertEquals(Set.of("title"), merge.toPush());
    assertEquals(Set.of("status"), merge.toPull());
    assertTrue(merge.conflicts().isEmpty());
  }

  @Test
  void aFieldChangedOnBothSidesTheSameWayAgrees() {
    Merge merge =
        synced()
            .merge(
                A,
                Map.of("title", "T", "status", "planned", "body", "b"),
                Map.of("title", "T", "status", "planned", "body", "b"));
    assertTrue(merge.toPush().isEmpty() && merge.toPull().isEmpty() && !merge.hasConflicts());
  }

  @Test
  void aFieldChangedDifferentlyOnBothSidesBecomesADurableLedgerEntryUntilResolved() {
    ConflictLedger ledger = synced();
    Merge merge =
        ledger.merge(
            A,
            Map.of("title", "Local", "status", "planned"),
            Map.of("title", "Remote", "status", "planned", "body", "b"));
    assertEquals(1, merge.conflicts().size());
    FieldConflict conflict = merge.conflicts().get(0);
    assertEquals("title", conflict.field());
    assertEquals("Parser", conflict.base());
    assertEquals("Local", conflict.local());
    assertEquals("Remote", conflict.remote());
    assertEquals(Set.of("body"), merge.toPush(), "body was deleted locally only");
    assertEquals("Local", merge.value("title"));

    ledger.recordSynced(A, Map.of("title", "Local", "status", "planned"));
    ConflictLedger reopened = ConflictLedger.open(dir.resolve("ledger.json"), clock);
    assertEquals(1, reopened.conflicts().size());
    assertEquals("Parser", reopened.base(A).get("title"), "a conflicting field keeps its base");
    assertTrue(reopened.resolve(A, "title", "Remote"));
    assertTrue(ConflictLedger.open(dir.resolve("ledger.json"), clock).conflicts().isEmpty());
    assertEquals(
        "Remote", ConflictLedger.open(dir.resolve("ledger.json"), clock).base(A).get("title"));
  }

  @Test
  void withoutABaseEveryDifferingFieldIsAConflictAndNothingIsOverwritten() {
    ConflictLedger ledger = ConflictLedger.open(dir.resolve("ledger.json"), clock);
    Merge merge =
        ledger.merge(
            A,
            Map.of("title", "L", "body", "only local"),
            Map.of("title", "R", "status", "planned"));
    assertEquals(1, merge.conflicts().size());
    assertEquals(Set.of("body"), merge.toPush());
    assertEquals(Set.of("status"), merge.toPull());
  }

  @Test
  void aCorruptLedgerFileIsMovedAsideAndTheLedgerStartsEmpty() throws IOException {
    Files.writeString(dir.resolve("ledger.json"), "{\"bases\": [oops");
    ConflictLedger ledger = ConflictLedger.open(dir.resolve("ledger.json"), clock);
    assertTrue(ledger.conflicts().isEmpty());
    assertTrue(ledger.base(A).isEmpty());
    try (var files = Files.list(dir)) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().startsWith("ledger.json.corrupt-")));
    }
    ledger.recordSynced(A, Map.of("title", "x"));
    assertEquals("x", ConflictLedger.open(dir.resolve("ledger.json"), clock).base(A).get("title"));
  }
}
