package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import dev.backlog.git.coordination.internal.AtomicFiles;
import dev.backlog.git.coordination.internal.EventLogCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BookkeepingTransactionTest {

  @TempDir Path tmp;
  GitFixture fx;
  Path repo;
  Coordinator coord;
  Mission mission;
  Path wt;

  @BeforeEach
  void setUp() throws Exception {
    fx = new GitFixture(tmp);
    repo = fx.newRepo("repo");
    coord = Coordinator.open(repo, fx.config().gitTimeout(Duration.ofSeconds(3)).build());
    mission = coord.init(new Mission("checkout", "1a2b3c4d"), "main");
    wt = coord.coordinationWorktree(mission);
  }

  @Test
  void aRecordedEventIsCommittedOnTheCoordinationBranchWithTheTransactionAndLeaseTrailers()
      throws Exception {
    CommitReceipt r =
        coord.record(
            mission, EventDraft.of(CardId.of("A1"), "claimed", "w1").withLease(LeaseToken.of(7)));

    assertEquals(fx.git(repo, "rev-parse", "refs/heads/" + mission.branch()).text(), r.commit());
    String message = fx.git(repo, "log", "-1", "--format=%B", r.commit()).text();
    assertTrue(message.contains("Backlog-Transaction: " + r.transaction()), message);
    assertTrue(message.contains("Backlog-Lease: A1=7"), message);
    List<String> changed =
        fx.git(repo, "diff-tree", "-r", "--name-only", "--no-commit-id", "-z", r.commit())
            .nulSeparated();
    assertEquals(List.of(mission.eventLogPath(), mission.statusPath()), changed);
    MissionStatus status = coord.status(mission);
    assertEquals("claimed", status.cards().get("A1").state());
    assertEquals(Optional.of(7L), status.cards().get("A1").lease());
    assertArrayEquals(
        EventLogCodec.render(status), Files.readAllBytes(wt.resolve(mission.statusPath())));
    assertEquals(
        "main", fx.git(repo, "branch", "--show-current").text(), "the main worktree stays on main");
    assertEquals(
        1,
        Integer.parseInt(fx.git(repo, "rev-list", "--count", "main").text()),
        "main did not move");
  }

  @Test
  void aFailingPreCommitHookLeavesTheLogAndStatusByteIdenticalRunsNoSideEffectAndReleasesTheLock()
      throws Exception {
    coord.record(mission, EventDraft.of(CardId.of("A1"), "claimed", "w1"));
    Path log = wt.resolve(mission.eventLogPath());
    Path status = wt.resolve(mission.statusPath());
    String logBefore = AtomicFiles.sha256(log);
    String statusBefore = AtomicFiles.sha256(status);
    String tipBefore = fx.git(repo, "rev-parse", mission.branch()).text();
    fx.hook(repo, "pre-commit", "echo 'refusing' >&2\nexit 1");
    AtomicBoolean sideEffect = new AtomicBoolean();

    GitCoordinationException e =
        assertThrows(
            GitCoordinationException.class,
            () -> {
              try (BookkeepingTransaction tx = coord.begin(mission)) {
                tx.append(EventDraft.of(CardId.of("A1"), "completed", "w1"));
                tx.afterCommit(() -> sideEffect.set(true));
                tx.commit();
              }
            });

    assertEquals(GitErrorCode.COMMIT_REFUSED, e.code());
    assertEquals(logBefore, AtomicFiles.sha256(log));
    assertEquals(statusBefore, AtomicFiles.sha256(status));
    assertFalse(sideEffect.get());
    assertEquals(tipBefore, fx.git(repo, "rev-parse", mission.branch()).text());
    assertEquals("", fx.git(wt, "status", "--porcelain").text(), "index and worktree are clean");
    assertFalse(Files.exists(coord.journalFile(mission)), "the journal is cleared");
    // the lock is free: another coordinator instance (as another process would) gets it at once
    Coordinator other =
        Coordinator.open(repo, fx.config().lockTimeout(Duration.ofSeconds(2)).build());
    fx.removeHook(repo, "pre-commit");
    other.record(mission, EventDraft.of(CardId.of("A1"), "completed", "w1"));
    assertEquals("completed", coord.status(mission).cards().get("A1").state());
  }

  @Test
  void aHangingHookIsKilledWithItsChildrenAtTheTimeoutAndNothingChanges() throws Exception {
    Path pidFile = tmp.resolve("sleeper.pid");
    fx.hook(repo, "pre-commit", "sleep 300 &\necho $! > '" + pidFile + "'\nwait");
    Path log = wt.resolve(mission.eventLogPath());
    String logBefore = AtomicFiles.sha256(log);
    String statusBefore = AtomicFiles.sha256(wt.resolve(mission.statusPath()));
    long start = System.nanoTime();

    GitCoordinationException e =
        assertThrows(
            GitCoordinationException.class,
            () -> coord.record(mission, EventDraft.of(CardId.of("A1"), "claimed", "w1")));

    assertEquals(GitErrorCode.GIT_TIMEOUT, e.code());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30));
    long sleeper = Long.parseLong(Files.readString(pidFile).strip());
    Optional<ProcessHandle> p = ProcessHandle.of(sleeper);
    assertTrue(p.isEmpty() || !p.get().isAlive(), "the hook's child was killed");
    assertEquals(logBefore, AtomicFiles.sha256(log));
    assertEquals(statusBefore, AtomicFiles.sha256(wt.resolve(mission.statusPath())));
    fx.removeHook(repo, "pre-commit");
    coord.record(mission, EventDraft.of(CardId.of("A1"), "claimed", "w1"));
    assertEquals(1, coord.events(mission).size());
  }

  @Test
  void aLeaseTokenOlderThanTheCardsCurrentOneIsRefused() {
    coord.record(
        mission, EventDraft.of(CardId.of("A1"), "claimed", "w1").withLease(LeaseToken.of(5)));
    coord.record(
        mission, EventDraft.of(CardId.of("A1"), "heartbeat", "w1").withLease(LeaseToken.of(5)));
    String tip = fx.git(repo, "rev-parse", mission.branch()).text();

    StaleLeaseException e =
        assertThrows(
            StaleLeaseException.class,
            () ->
                coord.record(
                    mission,
                    EventDraft.of(CardId.of("A1"), "completed", "w0").withLease(LeaseToken.of(4))));

    assertEquals(LeaseToken.of(5), e.current());
    assertEquals(tip, fx.git(repo, "rev-parse", mission.branch()).text());
    coord.record(
        mission, EventDraft.of(CardId.of("A1"), "claimed", "w2").withLease(LeaseToken.of(9)));
    assertEquals(Optional.of(9L), coord.status(mission).cards().get("A1").lease());
  }

  @Test
  void safeCommitRefusesProtectedBranchesAndAWorktreeOnAnotherBranch() throws Exception {
    Files.writeString(repo.resolve("notes.txt"), "x\n");
    GitCoordinationException prot =
        assertThrows(
            GitCoordinationException.class,
            () -> coord.safeCommit(repo, "main", List.of("notes.txt"), "notes"));
    assertEquals(GitErrorCode.PROTECTED_BRANCH, prot.code());
    GitCoordinationException wrong =
        assertThrows(
            GitCoordinationException.class,
            () -> coord.safeCommit(repo, "feature", List.of("notes.txt"), "notes"));
    assertEquals(GitErrorCode.WRONG_DESTINATION, wrong.code());
    Coordinator strict =
        Coordinator.open(repo, fx.config().protectBranch(mission.branch()).build());
    GitCoordinationException configured =
        assertThrows(
            GitCoordinationException.class,
            () -> strict.safeCommit(wt, mission.branch(), List.of("x.txt"), "x"));
    assertEquals(GitErrorCode.PROTECTED_BRANCH, configured.code());
  }

  @Test
  void safeCommitCommitsExactlyTheGivenPathsAndLeavesOtherStagedChangesStaged() throws Exception {
    Files.writeString(wt.resolve("a.txt"), "a\n");
    Files.writeString(wt.resolve("b.txt"), "b\n");
    fx.git(wt, "add", "b.txt");

    String commit = coord.safeCommit(wt, mission.branch(), List.of("a.txt"), "add a").orElseThrow();

    assertEquals(
        List.of("a.txt"),
        fx.git(repo, "diff-tree", "-r", "--name-only", "--no-commit-id", "-z", commit)
            .nulSeparated());
    assertEquals("A  b.txt", fx.git(wt, "status", "--porcelain", "--", "b.txt").text());
    assertEquals(
        Optional.empty(), coord.safeCommit(wt, mission.branch(), List.of("a.txt"), "nothing"));
  }

  @Test
  void recordingFromTwoThreadsOfTwoCoordinatorsSerializesOnTheLock() throws Exception {
    Coordinator other = Coordinator.open(repo, fx.config().build());
    CompletableFuture<Void> a =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 5; i++) {
                coord.record(
                    mission,
                    EventDraft.of(CardId.of("A"), "step", "a").withData(Map.of("i", "" + i)));
              }
            });
    CompletableFuture<Void> b =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 5; i++) {
                other.record(
                    mission,
                    EventDraft.of(CardId.of("B"), "step", "b").withData(Map.of("i", "" + i)));
              }
            });
    a.get(60, TimeUnit.SECONDS);
    b.get(60, TimeUnit.SECONDS);
    List<CoordinationEvent> events = coord.events(mission);
    assertEquals(10, events.size());
    assertEquals(
        10,
        events.stream().mapToLong(CoordinationEvent::clock).distinct().count(),
        "Lamport clocks are distinct");
  }

  @Test
  void aDamagedJournalAndAGarbageLockFileAreReportedAndRecoveredNeverABlock() throws Exception {
    coord.record(mission, EventDraft.of(CardId.of("A1"), "claimed", "w1"));
    Files.writeString(coord.lockFile(mission), "{{{ not a lock");
    Files.writeString(coord.journalFile(mission), "garbage, not JSON");
    Files.writeString(
        wt.resolve(mission.eventLogPath()), "half a line", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(
        wt.resolve(mission.dataDir()).resolve(".status.json.0000.tmp"), "half a status");

    coord.record(mission, EventDraft.of(CardId.of("A1"), "completed", "w1"));

    assertEquals(
        List.of("claimed", "completed"),
        coord.events(mission).stream().map(CoordinationEvent::type).toList());
    assertFalse(Files.exists(coord.journalFile(mission)));
    assertEquals(
        "",
        fx.git(wt, "status", "--porcelain", "--untracked-files=all").text(),
        "no temp file left");
    try (var s = Files.list(coord.journalFile(mission).getParent())) {
      assertTrue(
          s.anyMatch(p -> p.getFileName().toString().startsWith("journal.damaged-")),
          "moved aside for inspection");
    }
  }

  @Test
  void aCoordinationWorktreeDeletedByHandIsRecreatedOnTheNextTransaction() throws Exception {
    coord.record(mission, EventDraft.of(CardId.of("A1"), "claimed", "w1"));
    LanesAndMergeTest.deleteRecursively(wt);

    coord.record(mission, EventDraft.of(CardId.of("A1"), "completed", "w1"));

    assertTrue(Files.exists(wt.resolve(mission.statusPath())));
    assertEquals(2, coord.events(mission).size());
    RecoveryReport.WorktreeState state = coord.recoveryReport(mission).worktrees().get(0);
    assertTrue(state.worktreePresent() && state.registered() && !state.dirty(), state.toString());
  }
}
