package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening the default H2 file: a brief command keeps it to itself (others wait their turn, up to a
 * limit), shares it when another process serves it, and compaction on close only once the file
 * has grown.
 */
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
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2, true)).actor("tester").build()) {
      assertEquals(12, backlog.stats().total());
    }
  }

  @Test
  void aBriefCommandKeepsTheFileToItselfUntilItCloses() throws Exception {
    Path home = dir.resolve("brief");
    Settings settings = new Settings(home, null, null, null, "tester", "test");
    Path openLock = home.resolve(JdbcStoreOpener.OPEN_LOCK);
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2, true)).actor("tester")
        .build()) {
      backlog.create(NewCard.builder("B1").title("brief").build());
      assertFalse(Files.exists(home.resolve(JdbcStoreOpener.SERVER_LOCK)), "no auto-server lock file");
      assertEquals("busy", probe(openLock), "the open lock is held while the command runs");
    }
    assertEquals("free", probe(openLock), "closing the store releases the open lock");
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2, false)).actor("tester")
        .build()) {
      assertEquals("brief", backlog.get(CardId.of("B1")).title());
      assertTrue(Files.exists(home.resolve(JdbcStoreOpener.SERVER_LOCK)), "a long command serves the file");
    }
  }

  @Test
  void aBriefCommandSharesTheFileThatAnotherProgramServes() {
    Path home = dir.resolve("served");
    Settings settings = new Settings(home, null, null, null, "tester", "test");
    try (Backlog host = Backlog.builder().store(JdbcBacklogStore.builder()
        .url(JdbcBacklogStore.defaultH2Url(home)).build()).actor("host").build()) {
      host.create(NewCard.builder("H1").title("from the host").build());
      try (Backlog brief = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2, true)).actor("tester")
          .build()) {
        assertEquals("from the host", brief.get(CardId.of("H1")).title());
        brief.create(NewCard.builder("H2").title("from the brief command").build());
      }
      assertEquals("from the brief command", host.get(CardId.of("H2")).title());
    }
  }

  @Test
  void aBriefCommandWaitsItsTurnAndGivesUpWithAClearErrorChangingNothing() throws Exception {
    Path home = Files.createDirectories(dir.resolve("held"));
    Settings settings = new Settings(home, null, null, null, "tester", "test");
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2, true)).actor("tester")
        .build()) {
      backlog.create(NewCard.builder("W1").title("before").build());
    }
    Path openLock = home.resolve(JdbcStoreOpener.OPEN_LOCK);
    Process holder = LockHolder.start("hold", openLock);
    try {
      assertEquals("held", LockHolder.firstLine(holder));
      JdbcStoreOpener impatient = new JdbcStoreOpener(Duration.ofMillis(300));
      long start = System.nanoTime();
      StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
          () -> impatient.open(settings, 2, true));
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "it waited its turn first");
      assertTrue(e.getMessage().contains("in use by another process for 300 ms"), e.getMessage());
      assertTrue(e.getMessage().contains(openLock.toString()), e.getMessage());
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(30, TimeUnit.SECONDS);
      holder.destroyForcibly();
    }
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener(Duration.ofMillis(300)).open(settings, 2, true))
        .actor("tester").build()) {
      assertEquals(1, backlog.stats().total(), "the refused command changed nothing");
    }
  }

  private static String probe(Path lockFile) throws Exception {
    Process p = LockHolder.start("probe", lockFile);
    String line = LockHolder.firstLine(p);
    p.waitFor(30, TimeUnit.SECONDS);
    return line;
  }

  private static void createOneCard(Path home, String url, int run) {
    Settings settings = new Settings(home, url, null, null, "tester", "test");
    try (Backlog backlog = Backlog.builder().store(new JdbcStoreOpener().open(settings, 2, true)).actor("tester").build()) {
      backlog.create(NewCard.builder("C" + run).title("card " + run).build());
    }
  }
}
