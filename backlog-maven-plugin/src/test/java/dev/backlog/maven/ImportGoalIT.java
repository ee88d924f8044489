package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardQuery;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Maven builds of a sample project that binds {@code backlog:import} and {@code
 * backlog:status}.
 */
class ImportGoalIT {

  @TempDir Path tmp;

  private int cards() {
    try (JdbcBacklogStore store =
            JdbcBacklogStore.builder()
                .sharedH2File(H2SharedFile.of(tmp.resolve("home"), H2SharedFile.Mode.BRIEF))
                .build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      return backlog.list(CardQuery.ALL).size();
    }
  }

  @Test
  void importingTheSamePlanTwiceGivesOneSetOfCardsAndStatusShowsTheQueue() throws Exception {
    String home = "-Dbacklog.home=" + tmp.resolve("home");
    SampleBuild first = SampleBuild.of("plan", tmp, "first");
    assertEquals(0, first.start("validate", home).await(), first.output());
    assertTrue(first.output().contains("backlog: imported 3 cards"), first.output());
    SampleBuild second = SampleBuild.of("plan", tmp, "second");
    assertEquals(0, second.start("validate", home).await(), second.output());
    String log = second.output();
    assertTrue(log.contains("backlog: imported 0 cards (0 done, 0 blocked)"), log);
    assertTrue(log.contains("3 already imported, unchanged"), log);
    assertEquals(3, cards());
    // status: claim order is priority first, and P2 waits for P1
    int p1 = log.indexOf("backlog:   P1");
    int p3 = log.indexOf("backlog:   P3");
    assertTrue(p1 > 0 && p3 > p1, log);
    assertTrue(!log.contains("backlog:   P2"), log);
  }

  @Test
  void aBadPlanFailsTheBuildNamingEachBadLineAndImportsNothing() throws Exception {
    SampleBuild build = SampleBuild.of("plan", tmp, "bad");
    Files.writeString(
        build.file("backlog.jsonl"),
        "{\"id\":\"X1\",\"title\":\"fine\"}\n{broken\n{\"id\":\"X2\",\"title\":\"x\",\"colour\":\"red\"}\n");
    int exit = build.start("validate", "-Dbacklog.home=" + tmp.resolve("home")).await();
    String log = build.output();
    assertNotEquals(0, exit, log);
    assertTrue(log.contains("refused, nothing was imported: 2 bad lines"), log);
    assertTrue(log.contains("line 2: not valid JSON"), log);
    assertTrue(
        log.contains(
            "line 3: unknown field 'colour'; the card fields are acceptance, blockedReason,"),
        log);
    assertEquals(0, cards());
  }

  @Test
  void renderWritesTheRoadmapOfTheDefaultLocalTracker() throws Exception {
    Path home = tmp.resolve("home");
    SampleBuild build = SampleBuild.of("plan", tmp, "render");
    int exit =
        build
            .start(
                "dev.backlog:backlog-maven-plugin:"
                    + System.getProperty("backlog.it.pluginVersion")
                    + ":render",
                "-Dbacklog.home=" + home)
            .await();
    String log = build.output();
    assertEquals(0, exit, log);
    assertTrue(
        log.contains("backlog: rendered the roadmap of 0 features in the local tracker"), log);
    assertTrue(Files.isRegularFile(home.resolve("tracker/ROADMAP.md")), log);
  }
}
