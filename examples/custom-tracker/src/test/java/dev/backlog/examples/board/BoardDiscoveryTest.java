package dev.backlog.examples.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.TrackerConfigException;
import dev.backlog.tracker.TrackerConfigLoader;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.TrackerStateException;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardDiscoveryTest {

  @TempDir Path project;
  @TempDir Path home;

  private Path config(String json) throws IOException {
    Path file = project.resolve(".backlog/config.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  private TrackerProvider open() {
    return TrackerProviders.discover(getClass().getClassLoader())
        .open(TrackerConfigLoader.load(project, home), InstantSource.system());
  }

  @Test
  void theBoardProviderIsSelectedByIdAndTheRegisteredLocalProviderStaysInactive()
      throws IOException {
    assertEquals(
        List.of("board", "local"), TrackerProviders.discover(getClass().getClassLoader()).ids());
    config("{\"tracker\":{\"provider\":\"board\",\"board\":{\"path\":\"docs/BOARD.md\"}}}");
    try (TrackerProvider provider = open()) {
      assertInstanceOf(BoardTrackerProvider.class, provider);
      provider.createFeature(Feature.builder("A1", "Parser").phase("alpha").build());
      provider.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
      provider.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser"));
      provider.sync();
    }
    try (Stream<Path> files = Files.walk(project)) {
      assertEquals(
          List.of(".backlog/config.json", "docs/BOARD.md", "docs/BOARD.md.lock"),
          files
              .filter(Files::isRegularFile)
              .map(p -> project.relativize(p).toString())
              .sorted()
              .toList(),
          "only the board was written: no features/, ROADMAP.md or CHANGELOG.md of the local provider");
    }
    assertTrue(Files.notExists(home.resolve("tracker")));
    String board = Files.readString(project.resolve("docs/BOARD.md"));
    assertTrue(board.startsWith("# Roadmap\n\n## Phase: alpha (0/1 complete)"), board);
    assertTrue(
        board.contains("| A1 | Parser | in_progress | - |") && board.contains("- **A1** Parser"),
        board);
  }

  @Test
  void theBoardProviderNeedsItsPathAndSaysWhereToPutIt() throws IOException {
    Path file = config("{\"tracker\":{\"provider\":\"board\",\"board\":{}}}");
    TrackerConfigException e = assertThrows(TrackerConfigException.class, this::open);
    assertEquals("tracker.board.path", e.field());
    assertEquals(file, e.file().orElseThrow());
    assertTrue(e.getMessage().contains("add \"path\": \"BOARD.md\""), e.getMessage());
  }

  @Test
  void aBoardWithADamagedDataLineIsReportedWithItsLineNumber() throws IOException {
    Path boardFile = project.resolve("BOARD.md");
    BoardTrackerProvider provider = new BoardTrackerProvider(boardFile, InstantSource.system());
    provider.createFeature(Feature.builder("A1", "Parser --> with arrows").build());
    assertEquals(
        "Parser --> with arrows", provider.getFeature(CardId.of("A1")).orElseThrow().title());
    Files.writeString(boardFile, Files.readString(boardFile).replace("\"title\"", "\"tit"));
    TrackerStateException e =
        assertThrows(TrackerStateException.class, () -> provider.getFeature(CardId.of("A1")));
    assertTrue(e.getMessage().contains("line "), e.getMessage());
  }
}
