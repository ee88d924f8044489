package dev.backlog.tracker.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.tracker.SyncReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpLogTest {

  @TempDir Path dir;
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z"));
  private static final CardId A = CardId.of("A1");
  private static final CardId B = CardId.of("B1");

  /** A remote that records what it received; it can fail a feature or lose responses. */
  private static final class Remote implements OpExecutor {
    final List<String> applied = new ArrayList<>();
    final Set<String> failing = new HashSet<>();
    final Set<String> losing = new HashSet<>();
    final Set<String> conflicting = new HashSet<>();

    @Override
    public Outcome apply(Op op) {
      if (failing.contains(op.payload())) {
        throw new IllegalStateException("HTTP 502 for " + op.payload());
      }
      if (conflicting.contains(op.payload())) {
        return Outcome.CONFLICT;
      }
      applied.add(op.payload());
      if (losing.remove(op.payload())) {
        throw new ResponseLostException("connection reset after sending " + op.payload(), null);
      }
      return Outcome.DONE;
    }

    @Override
    public Resolution resolve(Op op) {
      return applied.contains(op.payload()) ? Resolution.APPLIED : Resolution.NOT_APPLIED;
    }
  }

  private Path file() {
    return dir.resolve("oplog.jsonl");
  }

  @Test
  void opsOfOneFeatureRunInOrderAndAFailingFeatureDoesNotHoldUpOthers() {
    Remote remote = new Remote();
    remote.failing.add("a1");
    try (OpLog log = OpLog.open(file(), clock, 3)) {
      log.enqueue(A, "put", "a1");
      log.enqueue(A, "put", "a2");
      log.enqueue(B, "put", "b1");
      log.enqueue(B, "put", "b2");
      SyncReport report = log.drain(remote);
      assertEquals(List.of("b1", "b2"), remote.applied);
      assertEquals(new SyncReport(2, 0, 0, 2), report);
      remote.failing.clear();
      assertEquals(new SyncReport(2, 0, 0, 0), log.drain(remote));
      assertEquals(List.of("b1", "b2", "a1", "a2"), remote.applied);
    }
  }

  @Test
  void anOpIsQuarantinedAfterMaxAttemptsAndHoldsItsFeatureUntilRetried() {
    Remote remote = new Remote();
    remote.failing.add("a1");
    try (OpLog log = OpLog.open(file(), clock, 2)) {
      Op first = log.enqueue(A, "put", "a1");
      log.enqueue(A, "put", "a2");
      assertEquals(0, log.drain(remote).quarantined());
      assertEquals(1, log.drain(remote).quarantined());
      assertEquals(1, log.quarantined());
      assertEquals(1, log.pending());
      assertEquals(new SyncReport(0, 0, 0, 1), log.drain(remote));
      assertTrue(remote.applied.isEmpty());
      remote.failing.clear();
      log.retry(first.id());
      assertEquals(2, log.drain(remote).drained());
    }
  }

  @Test
  void aConflictIsSetAsideAndCounted() {
    Remote remote = new Remote();
    remote.conflicting.add("a1");
    try (OpLog log = OpLog.open(file(), clock, 3)) {
      log.enqueue(A, "put", "a1");
      assertEquals(new SyncReport(0, 0, 1, 0), log.drain(remote));
      assertEquals(1, log.conflicts());
    }
  }

  @Test
  void aLostResponseIsLookedUpBeforeAnyRetrySoTheWriteIsNotDuplicated() {
    Remote remote = new Remote();
    remote.losing.add("create-a");
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      Op op = log.enqueue(A, "create", "create-a");
      log.enqueue(A, "put", "a2");
      SyncReport first = log.drain(remote);
      assertEquals(0, first.drained());
      assertEquals(
          dev.backlog.tracker.spi.OpState.UNCERTAIN, log.find(op.id()).orElseThrow().state());
      assertEquals(2, log.drain(remote).drained());
      assertEquals(List.of("create-a", "a2"), remote.applied);
    }
  }

  @Test
  void anOpInFlightWhenTheProcessDiedBecomesUncertainOnReopen() throws IOException {
    Remote remote = new Remote();
    Op op;
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      op = log.enqueue(A, "create", "create-a");
    }
    // the process wrote the inflight record, sent the request, and died before recording the
    // outcome
    String inflight =
        Files.readString(file()).strip().replace("\"state\":\"pending\"", "\"state\":\"inflight\"");
    Files.writeString(file(), inflight + "\n", StandardOpenOption.APPEND);
    remote.applied.add("create-a");
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      assertEquals(OpState.UNCERTAIN, log.find(op.id()).orElseThrow().state());
      assertEquals(1, log.drain(remote).drained());
      assertEquals(List.of("create-a"), remote.applied);
    }
  }

  @Test
  void aTornLastLineIsReportedAndTheJournalStaysUsable() throws IOException {
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      log.enqueue(A, "put", "a1");
    }
    Files.writeString(file(), "{\"id\":\"x\",\"se", StandardOpenOption.APPEND);
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      assertEquals(1, log.pending());
      log.enqueue(B, "put", "b1");
      assertEquals(2, log.drain(new Remote()).drained());
    }
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      assertEquals(0, log.pending());
    }
  }

  @Test
  void stateSurvivesReopeningAndFinishedOpsAreCompactedAway() throws IOException {
    Remote remote = new Remote();
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      for (int i = 0; i < 100; i++) {
        log.enqueue(A, "put", "a" + i);
      }
      log.enqueue(B, "put", "b");
      remote.failing.add("b");
      log.drain(remote);
    }
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      assertEquals(1, log.pending());
      assertEquals("b", log.openOps().get(0).payload());
      assertEquals(1, log.openOps().get(0).attempts());
    }
    assertTrue(Files.readAllLines(file()).size() < 10, "journal was compacted");
  }

  @Test
  void aSecondInstanceWaitsUntilTheFirstClosesTheLogAndAClosedLogRefusesWrites() {
    try (OpLog log = OpLog.open(file(), clock, 5)) {
      log.enqueue(A, "put", "a");
      long start = System.nanoTime();
      assertTrue(OpLog.LOCK_TIMEOUT.compareTo(Duration.ofSeconds(1)) > 0);
      // the second open waits for the lock; release it from another thread shortly after
      Thread closer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                log.close();
              });
      closer.start();
      try (OpLog second = OpLog.open(file(), clock, 5)) {
        assertTrue(
            System.nanoTime() - start >= Duration.ofMillis(250).toNanos(),
            "second open waited for the first");
        assertEquals(1, second.pending());
      }
    }
    assertThrows(
        IllegalStateException.class,
        () -> {
          OpLog log = OpLog.open(file(), clock, 5);
          log.close();
          log.enqueue(A, "put", "late");
        });
  }

  @Test
  void aNonPositiveAttemptLimitIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> OpLog.open(file(), clock, 0));
  }
}
