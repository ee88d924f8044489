package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.git.coordination.internal.EventLogCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanesAndMergeTest {

  @TempDir Path tmp;
  GitFixture fx;
  Path repo;
  Coordinator coord;
  Mission mission;
  volatile Instant now = Instant.parse("2026-11-23T10:00:00Z");

  @BeforeEach
  void setUp() throws Exception {
    fx = new GitFixture(tmp);
    repo = fx.newRepo("repo");
    InstantSource clock = () -> now;
    coord = Coordinator.open(repo, fx.config().clock(clock).build());
    mission = coord.init(new Mission("checkout", "abcd1234"), "main");
  }

  private void commitInLane(Lane lane, String file, String content) throws Exception {
    Path f = lane.worktree().resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    coord.safeCommit(lane.worktree(), lane.branch(), List.of(file), "Change " + file).orElseThrow();
  }

  @Test
  void lanesAreParentedOnTheCoordinationBranchAndLeaveTheStatusFilesOut() {
    Lane lane = coord.addLane(mission, 0);

    assertEquals(1, lane.number());
    assertEquals(repo.resolve(".worktrees/checkout-abcd1234-lane-1"), lane.worktree());
    assertEquals("backlog/mission-checkout-abcd1234-lane-1", lane.branch());
    assertEquals(
        fx.git(repo, "rev-parse", mission.branch()).text(),
        fx.git(repo, "rev-parse", lane.branch()).text());
    assertTrue(Files.exists(lane.worktree().resolve("README.md")));
    assertFalse(Files.exists(lane.worktree().resolve(mission.eventLogPath())));
    assertFalse(Files.exists(lane.worktree().resolve(mission.statusPath())));
    assertEquals("", fx.git(lane.worktree(), "status", "--porcelain").text());
    assertEquals(
        "",
        fx.git(repo, "status", "--porcelain").text(),
        "the main worktree is untouched (.worktrees is excluded)");
    assertEquals(lane, coord.addLane(mission, 1), "adding an existing lane is idempotent");
    assertEquals(List.of(lane), coord.lanes(mission));
  }

  @Test
  void
      twoLanesRecordingInParallelThenMergedHaveNoConflictAndStatusEqualsTheReducerOverTheMergedLog()
          throws Exception {
    Lane one = coord.addLane(mission, 0);
    Lane two = coord.addLane(mission, 0);
    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> work(one));
    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> work(two));
    a.get(2, TimeUnit.MINUTES);
    b.get(2, TimeUnit.MINUTES);

    MergeReport report = coord.merge(mission, "main");

    assertEquals(List.of(1, 2), report.lanesMerged());
    assertTrue(report.targetCommit().isPresent());
    assertEquals(report.targetCommit().get(), fx.git(repo, "rev-parse", "main").text());
    for (int i = 0; i < 4; i++) {
      assertTrue(Files.exists(repo.resolve("src/lane1/file" + i + ".txt")));
      assertTrue(Files.exists(repo.resolve("src/lane2/file" + i + ".txt")));
    }
    byte[] log = Files.readAllBytes(repo.resolve(mission.eventLogPath()));
    List<CoordinationEvent> events = EventLogCodec.parse(log);
    assertEquals(8, events.size());
    assertArrayEquals(
        EventLogCodec.render(StatusReducer.reduce(mission, events)),
        Files.readAllBytes(repo.resolve(mission.statusPath())));
    assertEquals("", fx.git(repo, "status", "--porcelain").text());
    assertEquals(report.coordinationCommit(), fx.git(repo, "rev-parse", mission.branch()).text());
    // merging again finds nothing new
    MergeReport again = coord.merge(mission, "main");
    assertEquals(List.of(), again.lanesMerged());
    assertEquals(Optional.empty(), again.targetCommit());
  }

  private void work(Lane lane) {
    try {
      for (int i = 0; i < 4; i++) {
        commitInLane(
            lane,
            "src/lane" + lane.number() + "/file" + i + ".txt",
            "lane " + lane.number() + " step " + i + "\n");
        coord.record(
            mission,
            EventDraft.of(
                CardId.of("L" + lane.number() + "-" + i), "completed", "lane" + lane.number()));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theEventLogMergeDriverUnionsDivergedLogsByEventIdOrderedByClock() throws Exception {
    coord.record(mission, EventDraft.of(CardId.of("A"), "claimed", "w1"));
    Path coordWt = coord.coordinationWorktree(mission);
    Path side = tmp.resolve("side");
    fx.git(repo, "worktree", "add", "-q", "-b", "side", side.toString(), mission.branch());
    coord.record(mission, EventDraft.of(CardId.of("B"), "claimed", "w2"));
    coord.record(mission, EventDraft.of(CardId.of("A"), "completed", "w1"));
    CoordinationEvent foreign =
        new CoordinationEvent(
            "zz-side-event",
            2,
            CardId.of("C"),
            "claimed",
            "w3",
            Instant.parse("2026-11-23T09:00:00Z"),
            Optional.empty(),
            "side-tx",
            Map.of());
    Files.writeString(
        side.resolve(mission.eventLogPath()),
        EventLogCodec.line(foreign) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    fx.git(side, "commit", "-q", "-am", "side event");

    fx.git(coordWt, "merge", "--no-edit", "-q", "side");

    List<CoordinationEvent> merged =
        EventLogCodec.parse(Files.readAllBytes(coordWt.resolve(mission.eventLogPath())));
    assertEquals(4, merged.size());
    assertEquals(4, merged.stream().map(CoordinationEvent::id).distinct().count());
    List<CoordinationEvent> sorted = merged.stream().sorted(CoordinationEvent.ORDER).toList();
    assertEquals(sorted, merged, "ordered by clock then id");
    assertTrue(merged.contains(foreign));
  }

  @Test
  void doctorReportsWhenTheMergeDriverIsNotConfigured() {
    assertTrue(coord.doctor().healthy(), () -> coord.doctor().toString());
    fx.git(repo, "config", "--unset", "merge.backlog-events.driver");

    DoctorReport report = coord.doctor();

    assertFalse(report.healthy());
    DoctorReport.Finding driver =
        report.findings().stream()
            .filter(f -> f.check().equals("merge-driver"))
            .findFirst()
            .orElseThrow();
    assertFalse(driver.ok());
    assertTrue(driver.message().contains("coord init"), driver.message());
    coord.init(mission, "main");
    assertTrue(coord.doctor().healthy());
  }

  @Test
  void mergeRefusesADirtyCheckedOutTargetAndChangesNothing() throws Exception {
    Lane lane = coord.addLane(mission, 0);
    commitInLane(lane, "feature.txt", "x\n");
    String coordTip = fx.git(repo, "rev-parse", mission.branch()).text();
    String mainTip = fx.git(repo, "rev-parse", "main").text();
    Files.writeString(repo.resolve("README.md"), "edited\n");

    GitCoordinationException e =
        assertThrows(GitCoordinationException.class, () -> coord.merge(mission, "main"));

    assertEquals(GitErrorCode.DIRTY_WORKTREE, e.code());
    assertEquals(coordTip, fx.git(repo, "rev-parse", mission.branch()).text());
    assertEquals(mainTip, fx.git(repo, "rev-parse", "main").text());
    assertEquals("edited\n", Files.readString(repo.resolve("README.md")));
  }

  @Test
  void aTargetThatIsNotCheckedOutIsMergedInATemporaryWorktreeAndMovedByCompareAndSwap()
      throws Exception {
    fx.git(repo, "branch", "release", "main");
    Lane lane = coord.addLane(mission, 0);
    commitInLane(lane, "feature.txt", "x\n");
    String mainTip = fx.git(repo, "rev-parse", "main").text();

    MergeReport report = coord.merge(mission, "release");

    assertEquals(report.targetCommit().orElseThrow(), fx.git(repo, "rev-parse", "release").text());
    assertEquals("x\n", fx.git(repo, "show", "release:feature.txt").text() + "\n");
    assertEquals(
        mainTip, fx.git(repo, "rev-parse", "main").text(), "the checked-out main did not move");
    assertEquals("", fx.git(repo, "status", "--porcelain").text());
    assertEquals(
        3,
        fx.git(repo, "worktree", "list", "--porcelain").text().split("\n\n").length,
        "main, coordination and lane worktrees; the temporary one is gone");
    assertEquals(
        fx.git(repo, "show", "release:" + mission.statusPath()).text(),
        new String(EventLogCodec.render(coord.status(mission)), StandardCharsets.UTF_8)
            .stripTrailing());
  }

  @Test
  void conflictingLanesAbortTheMergeAndLeaveTheTargetAlone() throws Exception {
    Lane one = coord.addLane(mission, 0);
    Lane two = coord.addLane(mission, 0);
    commitInLane(one, "README.md", "one\n");
    commitInLane(two, "README.md", "two\n");
    String mainTip = fx.git(repo, "rev-parse", "main").text();

    MergeConflictException e =
        assertThrows(MergeConflictException.class, () -> coord.merge(mission, "main"));

    assertEquals(List.of("README.md"), e.paths());
    Path coordWt = coord.coordinationWorktree(mission);
    assertEquals(
        "",
        fx.git(coordWt, "status", "--porcelain").text(),
        "the aborted merge left a clean worktree");
    assertTrue(fx.gitRaw(coordWt, "rev-parse", "-q", "--verify", "MERGE_HEAD").exitCode() != 0);
    assertEquals(mainTip, fx.git(repo, "rev-parse", "main").text());
    RecoveryReport rr = coord.recoveryReport(mission);
    assertEquals(
        List.of("coordination", "lane-1", "lane-2"),
        rr.worktrees().stream().map(RecoveryReport.WorktreeState::name).toList());
    assertFalse(rr.worktrees().get(0).mergeInProgress());
    assertEquals(1, rr.worktrees().get(2).ahead(), "lane 2 still has its unmerged commit");
  }

  @Test
  void mergesOfTwoMissionsIntoOneTargetAreSerializedAndBothLand() throws Exception {
    Mission other = coord.init(new Mission("billing", "99990000"), "main");
    commitInLane(coord.addLane(mission, 0), "a.txt", "a\n");
    commitInLane(coord.addLane(other, 0), "b.txt", "b\n");
    Coordinator second = Coordinator.open(repo, fx.config().build());

    CompletableFuture<MergeReport> x =
        CompletableFuture.supplyAsync(() -> coord.merge(mission, "main"));
    CompletableFuture<MergeReport> y =
        CompletableFuture.supplyAsync(() -> second.merge(other, "main"));
    x.get(2, TimeUnit.MINUTES);
    y.get(2, TimeUnit.MINUTES);

    assertTrue(Files.exists(repo.resolve("a.txt")));
    assertTrue(Files.exists(repo.resolve("b.txt")));
    assertTrue(Files.exists(repo.resolve(mission.statusPath())));
    assertTrue(Files.exists(repo.resolve(other.statusPath())));
    assertEquals("", fx.git(repo, "status", "--porcelain").text());
    assertEquals(
        0, fx.gitRaw(repo, "merge-base", "--is-ancestor", mission.branch(), "main").exitCode());
    assertEquals(
        0, fx.gitRaw(repo, "merge-base", "--is-ancestor", other.branch(), "main").exitCode());
  }

  @Test
  void cleanupRemovesMergedLanesOnlyAfterTheGracePeriod() throws Exception {
    Lane one = coord.addLane(mission, 0);
    Lane two = coord.addLane(mission, 0);
    commitInLane(one, "one.txt", "1\n");
    coord.merge(mission, "main");
    commitInLane(two, "two.txt", "2\n");

    CleanupReport early = coord.cleanup(mission, Duration.ofHours(1));
    assertEquals(List.of(), early.removed());
    assertTrue(early.kept().get(1).contains("grace"), early.toString());

    now = now.plus(Duration.ofHours(2));
    CleanupReport later = coord.cleanup(mission, Duration.ofHours(1));

    assertEquals(List.of(1), later.removed());
    assertTrue(later.kept().get(2).contains("not merged"), later.toString());
    assertFalse(Files.exists(one.worktree()));
    assertTrue(
        fx.gitRaw(repo, "rev-parse", "-q", "--verify", "refs/heads/" + one.branch()).exitCode()
            != 0);
    assertFalse(
        fx.git(repo, "worktree", "list", "--porcelain").text().contains(one.worktree().toString()));
    assertEquals(List.of(2), coord.lanes(mission).stream().map(Lane::number).toList());
  }

  @Test
  void aStaleWorktreeRegistrationIsRepairedBeforeTheWorktreeIsAddedAgain() throws Exception {
    Lane lane = coord.addLane(mission, 0);
    deleteRecursively(lane.worktree());
    RecoveryReport before = coord.recoveryReport(mission);
    assertFalse(before.worktrees().get(1).worktreePresent());
    assertTrue(before.worktrees().get(1).branchPresent());

    Lane again = coord.addLane(mission, 1);

    assertTrue(Files.exists(again.worktree().resolve("README.md")));
    assertFalse(Files.exists(again.worktree().resolve(mission.statusPath())));
    assertTrue(coord.doctor().healthy(), () -> coord.doctor().toString());
    Files.writeString(again.worktree().resolve("README.md"), "dirty\n");
    RecoveryReport after = coord.recoveryReport(mission);
    assertTrue(after.worktrees().get(1).dirty());
    assertTrue(after.worktrees().get(1).registered());
    GitCoordinationException refused =
        assertThrows(GitCoordinationException.class, () -> coord.removeLane(mission, 1, false));
    assertEquals(GitErrorCode.DIRTY_WORKTREE, refused.code());
    coord.removeLane(mission, 1, true);
    assertEquals(List.of(), coord.lanes(mission));
  }

  static void deleteRecursively(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
