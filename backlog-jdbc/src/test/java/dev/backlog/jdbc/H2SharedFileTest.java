package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.H2SharedFile.Mode;
import dev.backlog.jdbc.internal.H2FileSharing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared H2 file ({@link JdbcBacklogStore.Builder#sharedH2File}): a brief store keeps it to
 * itself (others wait their turn, up to a limit), shares it when another process serves it, a
 * long-running store serves it, an embedding host and another process use it at once, and
 * compaction on close happens only once the file has grown.
 */
class H2SharedFileTest {

  @TempDir Path dir;

  @Test
  void aMissingOrSmallFileIsClosedWithoutCompactingAndALargeOneIsCompacted() throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    assertEquals(";MAX_COMPACT_TIME=0", H2FileSharing.compaction(home));
    Files.write(
        home.resolve(H2SharedFile.DATABASE_FILE),
        new byte[(int) H2SharedFile.COMPACT_ABOVE_BYTES - 1]);
    assertEquals(";MAX_COMPACT_TIME=0", H2FileSharing.compaction(home));
    Files.write(
        home.resolve(H2SharedFile.DATABASE_FILE), new byte[(int) H2SharedFile.COMPACT_ABOVE_BYTES]);
    assertEquals("", H2FileSharing.compaction(home));
  }

  @Test
  void shortRunsOnASmallFileLeaveItUncompactedWhileTheStoreStillWorks() throws IOException {
    Path uncompacted = dir.resolve("small");
    Path compacted = dir.resolve("compacted");
    for (int run = 0; run < 12; run++) {
      createOneCard(H2SharedFile.of(uncompacted, Mode.BRIEF), run);
      createOneCard(
          H2SharedFile.autoServerUrl(
              "jdbc:h2:file:"
                  + compacted.toAbsolutePath().toString().replace('\\', '/')
                  + "/backlog;AUTO_SERVER=TRUE"),
          run);
    }
    long small = Files.size(uncompacted.resolve(H2SharedFile.DATABASE_FILE));
    long reference = Files.size(compacted.resolve(H2SharedFile.DATABASE_FILE));
    assertTrue(
        small > reference,
        "without compaction on close the file keeps its old chunks: "
            + small
            + " bytes, compacted "
            + reference
            + " bytes");
    try (Backlog backlog = open(H2SharedFile.of(uncompacted, Mode.BRIEF))) {
      assertEquals(12, backlog.stats().total());
    }
  }

  @Test
  void aBriefStoreKeepsTheFileToItselfUntilItClosesAndALongRunningOneServesIt() throws Exception {
    Path home = dir.resolve("brief");
    Path openLock = home.resolve(H2SharedFile.OPEN_LOCK_FILE);
    try (Backlog backlog = open(H2SharedFile.of(home, Mode.BRIEF))) {
      backlog.create(NewCard.builder("B1").title("brief").build());
      assertFalse(
          Files.exists(home.resolve(H2SharedFile.SERVER_LOCK_FILE)), "no auto-server lock file");
      assertEquals("busy", probe(openLock), "the open lock is held while the store is open");
    }
    assertEquals("free", probe(openLock), "closing the store releases the open lock");
    try (Backlog backlog = open(H2SharedFile.of(home, Mode.LONG_RUNNING))) {
      assertEquals("brief", backlog.get(CardId.of("B1")).title());
      assertTrue(
          Files.exists(home.resolve(H2SharedFile.SERVER_LOCK_FILE)),
          "a long-running store serves the file");
      assertEquals(
          "free", probe(openLock), "a long-running store holds the open lock only while opening");
    }
  }

  @Test
  void aBriefStoreSharesTheFileThatAnotherProgramServes() {
    Path home = dir.resolve("served");
    try (Backlog host =
        Backlog.builder()
            .store(JdbcBacklogStore.builder().url(JdbcBacklogStore.defaultH2Url(home)).build())
            .actor("host")
            .build()) {
      host.create(NewCard.builder("H1").title("from the host").build());
      try (Backlog brief = open(H2SharedFile.of(home, Mode.BRIEF))) {
        assertEquals("from the host", brief.get(CardId.of("H1")).title());
        brief.create(NewCard.builder("H2").title("from the brief store").build());
      }
      assertEquals("from the brief store", host.get(CardId.of("H2")).title());
    }
  }

  @Test
  void aBriefStoreWaitsItsTurnAndGivesUpWithAClearErrorChangingNothing() throws Exception {
    Path home = Files.createDirectories(dir.resolve("held"));
    try (Backlog backlog = open(H2SharedFile.of(home, Mode.BRIEF))) {
      backlog.create(NewCard.builder("W1").title("before").build());
    }
    Path openLock = home.resolve(H2SharedFile.OPEN_LOCK_FILE);
    H2SharedFile impatient = H2SharedFile.of(home, Mode.BRIEF).withTurnWait(Duration.ofMillis(300));
    Process holder = LockHolder.start("hold", openLock);
    try {
      assertEquals("held", LockHolder.firstLine(holder));
      long start = System.nanoTime();
      StoreUnavailableException e =
          assertThrows(
              StoreUnavailableException.class,
              () -> JdbcBacklogStore.builder().sharedH2File(impatient).build());
      assertTrue(
          System.nanoTime() - start >= Duration.ofMillis(300).toNanos(),
          "it waited its turn first");
      assertTrue(e.getMessage().contains("in use by another process for 300 ms"), e.getMessage());
      assertTrue(e.getMessage().contains(openLock.toString()), e.getMessage());
      assertThrows(
          StoreUnavailableException.class,
          () ->
              JdbcBacklogStore.builder()
                  .sharedH2File(
                      H2SharedFile.of(home, Mode.LONG_RUNNING).withTurnWait(Duration.ofMillis(300)))
                  .build(),
          "a long-running store waits for the lock to open the file too");
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(30, TimeUnit.SECONDS);
      holder.destroyForcibly();
    }
    try (Backlog backlog = open(impatient)) {
      assertEquals(1, backlog.stats().total(), "the refused store changed nothing");
    }
  }

  @Test
  void anEmbeddingHostHoldingTheFileAndAnotherProcessTakingBriefTurnsSeeEachOthersCards()
      throws Exception {
    Path home = dir.resolve("host-and-process");
    try (Backlog host = open(H2SharedFile.of(home, Mode.LONG_RUNNING))) {
      host.create(NewCard.builder("H1").title("from the host").priority(5).build());
      try (Other other = Other.start(home, Mode.BRIEF)) {
        assertEquals("C1", other.ask("create C1"));
        assertEquals(
            "H1", other.ask("claim other-worker"), "the other process claims the host's best card");
        assertEquals("C1,H1", other.ask("ids"));
        assertEquals(CardStatus.CLAIMED, host.get(CardId.of("H1")).status());
        List<Claim> mine = host.claim(ClaimRequest.builder("host-worker").build());
        assertEquals(
            List.of(CardId.of("C1")),
            mine.stream().map(c -> c.card().id()).toList(),
            "the host claims the card the other process created, and not the one it holds");
        assertEquals("CLAIMED", other.ask("status C1"));
        assertEquals("none", other.ask("claim other-worker"), "no card is claimed twice");
      }
    }
  }

  @Test
  void anotherProcessHoldingTheFileAndAnEmbeddingHostTakingBriefTurnsSeeEachOthersCards()
      throws Exception {
    Path home = dir.resolve("process-and-host");
    try (Other other = Other.start(home, Mode.LONG_RUNNING)) {
      assertEquals("K1", other.ask("create K1 3"));
      assertTrue(
          Files.exists(home.resolve(H2SharedFile.SERVER_LOCK_FILE)),
          "the other process serves the file");
      try (Backlog brief = open(H2SharedFile.of(home, Mode.BRIEF))) {
        assertEquals(CardStatus.READY, brief.get(CardId.of("K1")).status());
        brief.create(NewCard.builder("T1").title("from the host").build());
      }
      try (Backlog brief = open(H2SharedFile.of(home, Mode.BRIEF))) {
        assertEquals(
            List.of(CardId.of("K1")),
            brief.claim(ClaimRequest.builder("host-worker").build()).stream()
                .map(c -> c.card().id())
                .toList());
      }
      assertEquals("READY", other.ask("status T1"));
      assertEquals("T1", other.ask("claim other-worker"));
      assertEquals("K1,T1", other.ask("ids"));
    }
    try (Backlog after = open(H2SharedFile.of(home, Mode.BRIEF))) {
      assertEquals(
          2,
          after.stats().count(CardStatus.CLAIMED),
          "both claims outlive the process that served the file");
    }
  }

  @Test
  void aSharedFileAndAUrlTogetherAreRefusedAndOnlyAutoServerUrlsAreShared() {
    InvalidInputException both =
        assertThrows(
            InvalidInputException.class,
            () ->
                JdbcBacklogStore.builder()
                    .sharedH2File(H2SharedFile.of(dir, Mode.BRIEF))
                    .url("jdbc:h2:mem:x")
                    .build());
    assertTrue(both.getMessage().contains("set only one"), both.getMessage());
    assertTrue(H2SharedFile.isAutoServerUrl("jdbc:h2:file:/x/backlog;AUTO_SERVER=TRUE"));
    assertFalse(H2SharedFile.isAutoServerUrl("jdbc:h2:file:/x/backlog"));
    assertFalse(H2SharedFile.isAutoServerUrl("jdbc:postgresql://h/db?x=;AUTO_SERVER=TRUE"));
    InvalidInputException notServed =
        assertThrows(
            InvalidInputException.class,
            () -> H2SharedFile.autoServerUrl("jdbc:h2:file:/x/backlog;PASSWORD=hunter2"));
    assertTrue(notServed.getMessage().contains("auto-server"), notServed.getMessage());
    assertFalse(notServed.getMessage().contains("hunter2"), notServed.getMessage());
    assertThrows(
        InvalidInputException.class,
        () -> H2SharedFile.of(dir, Mode.BRIEF).withTurnWait(Duration.ofSeconds(-1)));
    assertEquals(
        H2SharedFile.DEFAULT_TURN_WAIT, H2SharedFile.of(dir, Mode.LONG_RUNNING).turnWait());
  }

  private static Backlog open(H2SharedFile file) {
    return Backlog.builder()
        .store(JdbcBacklogStore.builder().sharedH2File(file).maxPoolSize(2).build())
        .actor("tester")
        .build();
  }

  private static void createOneCard(H2SharedFile file, int run) {
    try (Backlog backlog = open(file)) {
      backlog.create(NewCard.builder("C" + run).title("card " + run).build());
    }
  }

  private static String probe(Path lockFile) throws Exception {
    Process p = LockHolder.start("probe", lockFile);
    String line = LockHolder.firstLine(p);
    p.waitFor(30, TimeUnit.SECONDS);
    return line;
  }

  /** A {@link SharedFileProcess} in another JVM, asked one line at a time. */
  private static final class Other implements AutoCloseable {
    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;

    private Other(Process process) {
      this.process = process;
      this.in =
          new PrintWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Other start(Path home, Mode mode) throws IOException {
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty(
                      "surefire.test.class.path", System.getProperty("java.class.path")),
                  SharedFileProcess.class.getName(),
                  home.toString(),
                  mode.name())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Other other = new Other(process);
      assertEquals("open", other.out.readLine(), "the other process started");
      return other;
    }

    String ask(String command) throws IOException {
      in.println(command);
      String answer = out.readLine();
      assertFalse(answer == null || answer.startsWith("error"), command + " -> " + answer);
      return answer;
    }

    @Override
    public void close() throws Exception {
      in.println("quit");
      assertEquals("closed", out.readLine(), "the other process closed its store");
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the other process ended");
      assertEquals(0, process.exitValue());
    }
  }
}
