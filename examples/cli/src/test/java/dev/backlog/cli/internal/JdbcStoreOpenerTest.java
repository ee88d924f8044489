package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.NewCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the default H2 file: compaction on close only once the file has grown. */
class JdbcStoreOpenerTest {

  @TempDir
  Path dir;

  @Test
  void aMissingOrSmallFileIsClosedWithoutCompactingAndALargeOneIsCompacted() throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    assertEquals(";MAX_COMPACT_TIME=0", JdbcStoreOpener.compaction(home));
    Files.write(home.resolve("backlog.mv.db"), new byte[(int) JdbcStoreOpener.COMPACT_ABOVE_BYTES - 1]);
    assertEquals(";MAX_COMPACT_TIME=0", JdbcStoreOpener.compaction(home));
    Files.write(home.resolve("backlog.mv.db"), new byte[(int) JdbcStoreOpener.COMPACT_ABOVE_BYTES]);
    assertEquals("", JdbcStoreOpener.compaction(home));
  }

  @Test
  void shortRunsOnASmallFileLeaveItUncompactedWhileTheStoreStillWorks() throws IOException {
    Path uncompacted = dir.resolve("small");
    Path compacted = dir.resolve("compacted");
    for (int run = 0; run < 12; run++) {
      createOneCard(uncompacted, null, run);
      createOneCard(compacted, "jdbc:h2:file:" + compacted.toAbsolutePath().toString().replace('\\', '/')
          + "/backlog;AUTO_SERVER=TRUE", run);
    }
    long small = Files.size(uncompacted.resolve("backlog.mv.db"));
    long reference = Files.size(compacted.resolve("backlog.mv.db"));
    assertTrue(small > reference, "without compaction on close the file keeps its old chunks: " + small
        + " bytes, compacted " + reference + " bytes");
    Settings settings = new Settings(uncompacted, null, null, null, "tester", "test");
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2)).actor("tester").build()) {
      assertEquals(12, backlog.stats().total());
    }
  }

  private static void createOneCard(Path home, String url, int run) {
    Settings settings = new Settings(home, url, null, null, "tester", "test");
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2)).actor("tester").build()) {
      backlog.create(NewCard.builder("C" + run).title("card " + run).build());
    }
  }
}
