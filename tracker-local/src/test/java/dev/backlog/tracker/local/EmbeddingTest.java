package dev.backlog.tracker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.NewCard;
import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.tracker.BridgeReport;
import dev.backlog.tracker.TrackerBridge;
import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigLoader;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wiring shown to embedding hosts in docs/trackers.md, run as written. */
class EmbeddingTest {

  @TempDir Path home;
  @TempDir Path project;

  @Test
  void aHostWiresTheBacklogTheConfiguredTrackerAndTheBridgeAndPumpsAfterCommit()
      throws IOException {
    Files.createDirectories(project.resolve(".backlog"));
    Files.writeString(
        project.resolve(".backlog/config.json"), "{\"tracker\":{\"provider\":\"local\"}}");
    Path homeDir = TrackerConfigLoader.defaultHome(Map.of("BACKLOG_HOME", home.toString()));
    Path projectDir = TrackerConfigLoader.findProjectDir(project.resolve(".backlog")).orElse(null);
    TrackerConfig config = TrackerConfigLoader.load(projectDir, homeDir);

    try (Backlog backlog =
            Backlog.builder().store(new InMemoryBacklogStore(InstantSource.system())).build();
        TrackerProvider tracker =
            TrackerProviders.discover(EmbeddingTest.class.getClassLoader())
                .open(config, InstantSource.system())) {
      TrackerBridge bridge =
          new TrackerBridge(backlog, tracker, homeDir.resolve("tracker-cursor.json"));

      backlog.create(NewCard.builder("A1").title("Parser").phase("alpha").build());
      BridgeReport report = bridge.pump();
      assertEquals(1, report.events());
      assertTrue(Files.isRegularFile(project.resolve("features/A1/feature.json")));
      assertTrue(Files.isRegularFile(project.resolve("features/A1/events.jsonl")));
      assertTrue(
          Files.readString(project.resolve("ROADMAP.md"))
              .contains("| A1 | Parser | planned | - |"));

      backlog.inTransaction(
          tx -> {
            tx.create(NewCard.builder("B1").title("Lexer").build());
            tx.afterCommit(bridge::pump);
            return null;
          });
      assertTrue(
          Files.isRegularFile(project.resolve("features/B1/feature.json")), "pumped after commit");
      assertEquals(2, bridge.cursor());
    }
  }
}
