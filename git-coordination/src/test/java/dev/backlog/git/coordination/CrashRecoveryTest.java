package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.git.coordination.internal.EventLogCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("slow")
class CrashRecoveryTest {

  static final int ROUNDS = 10;

  @TempDir Path tmp;

  @ParameterizedTest(
      name = "a process killed {0} leaves the commit exactly once or no trace, ten times")
  @ValueSource(strings = {"APPENDED", "MATERIALIZED", "COMMIT_STARTED", "COMMITTED"})
  void aProcessKilledAtTheFaultPointLeavesTheCommitExactlyOnceOrNoTrace(String point)
      throws Exception {
    GitFixture fx = new GitFixture(tmp);
    Path repo = fx.newRepo("repo");
    Coordinator coord = Coordinator.open(repo, fx.config().build());
    Mission mission = coord.init(new Mission("crash", "00c0ffee"), "main");
    Path wt = coord.coordinationWorktree(mission);
    String start = fx.git(repo, "rev-parse", mission.branch()).text();
    if (point.equals("COMMIT_STARTED")) {
      fx.hook(repo, "pre-commit", "sleep 1\nexit 0");
    }
    int committed = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String marker = point + "-" + round;
      Process child =
          fx.child(
              List.of(), "record-and-halt", repo.toString(), mission.handle(), "A1", marker, point);
      assertEquals(137, GitFixture.await(child, 120), "the child halted at " + point);

      // the next acquire recovers
      coord.begin(mission).close();

      long copies =
          coord.events(mission).stream().filter(e -> marker.equals(e.data().get("key"))).count();
      switch (point) {
        case "APPENDED", "MATERIALIZED" -> assertEquals(0, copies, "rolled back: no trace");
        case "COMMITTED" -> assertEquals(1, copies, "rolled forward: exactly once");
        default -> assertTrue(copies <= 1, "exactly once or no trace");
      }
      committed += (int) copies;
      assertFalse(Files.exists(coord.journalFile(mission)), "journal cleared");
      assertEquals(
          "",
          fx.git(wt, "status", "--porcelain", "--untracked-files=all").text(),
          "worktree matches the branch");
      List<CoordinationEvent> events = coord.events(mission);
      assertEquals(committed, events.size());
      assertEquals(
          committed,
          Integer.parseInt(
              fx.git(repo, "rev-list", "--count", start + ".." + mission.branch()).text()),
          "one commit per committed event");
      assertArrayEquals(
          EventLogCodec.render(StatusReducer.reduce(mission, events)),
          Files.readAllBytes(wt.resolve(mission.statusPath())),
          "status.json equals the reducer over the log");
    }
    assertEquals(0, fx.gitRaw(repo, "fsck", "--no-progress").exitCode(), "git fsck is clean");
    // and the mission still works normally afterwards
    fx.removeHook(repo, "pre-commit");
    coord.record(mission, EventDraft.of(dev.backlog.core.CardId.of("A1"), "completed", "parent"));
    assertEquals(committed + 1, coord.events(mission).size());
  }
}
