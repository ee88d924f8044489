package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.NewCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several worker JVMs (the test's own class path, the running JDK) claim and complete cards on one
 * database until nothing is left. Afterwards the event log must show every card claimed and
 * completed exactly once per lease, no card ever under two leases, and no worker may have failed.
 * One worker stops early, so that on H2 the auto-server role changes hands during the run.
 */
@Tag("slow")
abstract class MultiProcessDrain {

  static final int WORKERS = 4;

  /** The database the workers share, fresh. */
  protected abstract String url();

  /** How many cards to drain. */
  protected int cards() {
    return 240;
  }

  @Test
  void severalProcessesDrainOneDatabaseWithEveryCardDoneExactlyOnceAndNoErrors() throws Exception {
    String url = url();
    int n = cards();
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      for (int start = 0; start < n; start += 60) {
        int from = start;
        backlog.inTransaction(
            tx -> {
              for (int i = from; i < Math.min(n, from + 60); i++) {
                NewCard.Builder card =
                    NewCard.builder(String.format("card-%04d", i))
                        .title("card " + i)
                        .priority(i % 3);
                if (i % 5 == 4) {
                  card.dependsOn(String.format("card-%04d", i - 3));
                }
                tx.create(card.build());
              }
              return null;
            });
      }
    }
    Path dir = TestStores.newDirectory();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Process> processes = new ArrayList<>();
    List<Path> errors = new ArrayList<>();
    // Worker 0 opens the database first (on H2 it becomes the auto-server owner) and stops early,
    // so the others lose their connections mid-run and one of them takes over.
    for (int w = 0; w < WORKERS; w++) {
      Path out = dir.resolve("worker-" + w + ".out");
      Path err = dir.resolve("worker-" + w + ".err");
      errors.add(err);
      int most = w == 0 ? 15 : Integer.MAX_VALUE;
      ProcessBuilder pb =
          new ProcessBuilder(
                  java,
                  "-Xmx192m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  classPath,
                  MultiProcessWorker.class.getName(),
                  url,
                  "worker-" + w,
                  Integer.toString(most),
                  dir.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      processes.add(pb.start());
      if (w == 0) {
        awaitFile(dir.resolve("ready-worker-0"), processes.get(0), errors.get(0));
      }
    }
    for (int w = 1; w < WORKERS; w++) {
      awaitFile(dir.resolve("ready-worker-" + w), processes.get(w), errors.get(w));
    }
    Files.createFile(dir.resolve("go"));
    for (int w = 0; w < WORKERS; w++) {
      Process p = processes.get(w);
      if (!p.waitFor(4, TimeUnit.MINUTES)) {
        processes.forEach(Process::destroyForcibly);
        throw new AssertionError(
            "worker " + w + " did not finish: " + Files.readString(errors.get(w)));
      }
      assertEquals(0, p.exitValue(), "worker " + w + " failed: " + Files.readString(errors.get(w)));
      String stderr = Files.readString(errors.get(w));
      assertFalse(stderr.contains("Exception"), "worker " + w + " reported: " + stderr);
    }
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      List<Card> all = backlog.list(CardQuery.ALL);
      assertEquals(n, all.size());
      assertTrue(all.stream().allMatch(c -> c.status() == CardStatus.DONE), "every card is done");
      audit(backlog, n);
    }
  }

  private static void awaitFile(Path file, Process process, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(file)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("a worker did not start: " + Files.readString(err));
      }
      Thread.sleep(20);
    }
  }

  private static void audit(Backlog backlog, int n) {
    List<Event> events = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page = backlog.events(EventQuery.after(after, 1000));
      if (page.isEmpty()) {
        break;
      }
      events.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).seq(), "the event log is gap-free");
    }
    Map<String, Long> open = new HashMap<>();
    Map<String, Integer> completions = new HashMap<>();
    Set<Long> tokens = new HashSet<>();
    Set<String> workers = new HashSet<>();
    for (Event e : events) {
      String card = e.cardId().value();
      if (e.type() == EventType.CLAIMED) {
        assertFalse(
            open.containsKey(card),
            "card " + card + " claimed while its lease " + open.get(card) + " was open");
        assertTrue(tokens.add(e.leaseToken().value()), "token " + e.leaseToken() + " issued twice");
        open.put(card, e.leaseToken().value());
        workers.add(e.actor());
      } else if (e.type() == EventType.COMPLETED) {
        assertEquals(
            open.remove(card),
            e.leaseToken().value(),
            "completed " + card + " with its open lease");
        completions.merge(card, 1, Integer::sum);
      } else if (e.type() == EventType.RECLAIMED || e.type() == EventType.RELEASED) {
        open.remove(card);
      }
    }
    assertEquals(n, completions.size(), "every card completed");
    assertTrue(
        completions.values().stream().allMatch(c -> c == 1), "every card completed exactly once");
    assertEquals(WORKERS, workers.size(), "every worker took part: " + workers);
  }
}
