package dev.backlog.tracker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.TrackerStateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTrackerFilesTest {

  @TempDir Path root;
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T12:00:00Z"));

  private LocalTrackerProvider provider() {
    return new LocalTrackerProvider(root, clock);
  }

  @Test
  void featuresEventsRoadmapAndChangelogLiveAtTheDocumentedPaths() throws IOException {
    LocalTrackerProvider provider = provider();
    provider.createFeature(Feature.builder("A1", "Parser").phase("alpha").build());
    provider.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    provider.appendChangelog(dev.backlog.tracker.ChangelogEntry.of("A1", "1.0.0", "Parser"));
    assertEquals(
        "{\n  \"code\" : \"A1\",\n  \"title\" : \"Parser\",\n  \"phase\" : \"alpha\",\n"
            + "  \"status\" : \"in_progress\",\n  \"dependsOn\" : [ ]\n}\n",
        Files.readString(root.resolve("features/A1/feature.json")));
    assertEquals(1, Files.readAllLines(root.resolve("features/A1/events.jsonl")).size());
    assertTrue(
        Files.readString(root.resolve("ROADMAP.md")).contains("| A1 | Parser | in_progress | - |"));
    assertTrue(Files.readString(root.resolve("CHANGELOG.md")).startsWith("# Changelog\n"));
  }

  @Test
  void aCorruptFeatureFileIsReportedByNameLeftOutOfListingsAndRecoveredByPersistRaw()
      throws IOException {
    LocalTrackerProvider provider = provider();
    provider.createFeature(Feature.builder("A1", "Parser").build());
    provider.createFeature(Feature.builder("B1", "Lexer").build());
    Path file = root.resolve("features/A1/feature.json");
    Files.writeString(file, "{\"code\":\"A1\",");
    TrackerStateException e =
        assertThrows(TrackerStateException.class, () -> provider.getFeature(CardId.of("A1")));
    assertEquals(file, e.file().orElseThrow());
    assertTrue(
        e.getMessage().contains(file.toString()) && e.getMessage().contains("persistRaw"),
        e.getMessage());
    assertEquals(
        List.of("B1"), provider.listFeatures().stream().map(f -> f.code().value()).toList());
    assertTrue(provider.renderRoadmap().contains("B1"));
    Feature fixed = Feature.builder("A1", "Parser").build();
    provider.persistRaw(fixed);
    assertEquals(Optional.of(fixed), provider.getFeature(CardId.of("A1")));
  }

  @Test
  void aFeatureFileInTheWrongDirectoryIsCorrupt() throws IOException {
    LocalTrackerProvider provider = provider();
    provider.createFeature(Feature.builder("A1", "Parser").build());
    Files.createDirectories(root.resolve("features/B1"));
    Files.copy(root.resolve("features/A1/feature.json"), root.resolve("features/B1/feature.json"));
    TrackerStateException e =
        assertThrows(TrackerStateException.class, () -> provider.getFeature(CardId.of("B1")));
    assertTrue(e.getMessage().contains("holds code A1"), e.getMessage());
  }

  @Test
  void tornAndCorruptEventLinesAreSkippedAndTheJournalStaysAppendable() throws IOException {
    LocalTrackerProvider provider = provider();
    provider.createFeature(Feature.builder("A1", "Parser").build());
    FeatureEvent e1 = new FeatureEvent("e1", CardId.of("A1"), "note", "t", clock.instant(), "{}");
    FeatureEvent e2 = new FeatureEvent("e2", CardId.of("A1"), "note", "t", clock.instant(), "{}");
    provider.appendEvent(e1);
    Path events = root.resolve("features/A1/events.jsonl");
    Files.writeString(events, "not json\n", StandardOpenOption.APPEND);
    Files.writeString(events, "{\"id\":\"e", StandardOpenOption.APPEND);
    assertEquals(List.of(e1), provider.readEvents(CardId.of("A1")));
    provider.appendEvent(e2);
    assertEquals(List.of(e1, e2), provider.readEvents(CardId.of("A1")));
    assertTrue(Files.readString(events).endsWith("\n"));
  }

  @Test
  void aCorruptLockFileOrStateFileIsRecoveredNotAPermanentBlock() throws IOException {
    LocalTrackerProvider provider = provider();
    Files.createDirectories(root.resolve("features/.locks/A1.lock/inside"));
    provider.createFeature(Feature.builder("A1", "Parser").build());
    Files.write(root.resolve("features/.locks/A1.lock"), new byte[] {(byte) 0xfe, 0, 7});
    provider.setStatus(CardId.of("A1"), FeatureStatus.COMPLETE, "w");
    Files.writeString(root.resolve("features/.tracker-state.json"), "{\"lastSync\": 12");
    assertTrue(provider.health().lastSyncTime().isEmpty());
    provider.sync();
    assertEquals(Optional.of(clock.instant()), provider.health().lastSyncTime());
  }

  @Test
  void syncRemovesOldTempFilesLeftByInterruptedWrites() throws IOException {
    LocalTrackerProvider provider = provider();
    provider.createFeature(Feature.builder("A1", "Parser").build());
    Path old = Files.writeString(root.resolve("features/A1/.feature.json.123.tmp"), "half");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600)));
    Path fresh =
        Files.writeString(root.resolve("features/A1/.feature.json.456.tmp"), "in progress");
    provider.sync();
    assertTrue(Files.notExists(old));
    assertTrue(
        Files.exists(fresh),
        "a temp file younger than the grace period may belong to a running write");
  }

  @Test
  void directoriesThatAreNotCardIdsAreIgnoredAndIdsCannotEscapeTheRoot() throws IOException {
    LocalTrackerProvider provider = provider();
    Files.createDirectories(root.resolve("features/-bad name"));
    assertEquals(List.of(), provider.listFeatures());
    assertThrows(InvalidInputException.class, () -> CardId.of("../../x"));
    assertThrows(InvalidInputException.class, () -> CardId.of("a/b"));
    Path dir = provider.featureDir(CardId.of("a..b"));
    assertEquals(root.resolve("features/a..b").toAbsolutePath(), dir);
    assertThrows(
        InvalidInputException.class,
        () -> new LocalTrackerProvider(root, "../ROADMAP.md", "CHANGELOG.md", clock));
  }
}
