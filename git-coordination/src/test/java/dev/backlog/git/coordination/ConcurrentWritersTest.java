package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentWritersTest {

  static final int EVENTS_PER_WRITER = 3;

  @TempDir Path tmp;

  @Test
  void twentyWritersInThreadsAndThreeProcessesLeaveEveryEventOnceOnALinearChain() throws Exception {
    GitFixture fx = new GitFixture(tmp);
    Path repo = fx.newRepo("repo");
    Coordinator coord = Coordinator.open(repo, fx.config().build());
    Mission mission = coord.init(new Mission("load", "0000beef"), "main");
    String start = fx.git(repo, "rev-parse", mission.branch()).text();

    // 3 child JVMs with 4 writer threads each, plus 8 writer threads here: 20 writers
    List<Process> children = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      children.add(
          fx.child(
              List.of(),
              "write",
              repo.toString(),
              mission.handle(),
              "proc" + p,
              "4",
              Integer.toString(EVENTS_PER_WRITER)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> local = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String writer = "local-" + t;
      local.add(
          pool.submit(
              () -> {
                for (int i = 0; i < EVENTS_PER_WRITER; i++) {
                  coord.record(
                      mission,
                      EventDraft.of(CardId.of(writer), "progress", writer)
                          .withData(Map.of("key", writer + "/" + i)));
                }
                return null;
              }));
    }
    for (Future<?> f : local) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    for (Process p : children) {
      assertEquals(0, GitFixture.await(p, 300), "child writer exit code");
    }

    int expected = 20 * EVENTS_PER_WRITER;
    List<CoordinationEvent> events = coord.events(mission);
    Map<String, Integer> seen = new HashMap<>();
    for (CoordinationEvent e : events) {
      seen.merge(e.data().get("key"), 1, Integer::sum);
    }
    assertEquals(expected, seen.size(), "every event present");
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "no event twice: " + seen);
    assertEquals(expected, events.stream().map(CoordinationEvent::id).distinct().count());
    // every commit's only parent is the previous tip: a linear chain of one commit per event
    List<String> chain =
        fx.git(repo, "rev-list", "--parents", start + ".." + mission.branch()).lines();
    assertEquals(expected, chain.size());
    String child = null;
    for (String line : chain) {
      String[] parts = line.split(" ");
      assertEquals(2, parts.length, "single parent: " + line);
      if (child != null) {
        assertEquals(parts[0], child, "each commit's parent is the previous tip");
      }
      child = parts[1];
    }
    assertEquals(start, child);
    assertTrue(Files.notExists(coord.journalFile(mission)));
    assertEquals(0, fx.gitRaw(repo, "fsck", "--no-progress").exitCode());
  }
}
