package dev.backlog.git.coordination;

import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.internal.Doctor;
import dev.backlog.git.coordination.internal.EventLogCodec;
import dev.backlog.git.coordination.internal.EventLogMergeDriver;
import dev.backlog.git.coordination.internal.GitResult;
import dev.backlog.git.coordination.internal.GitRunner;
import dev.backlog.git.coordination.internal.GitVersion;
import dev.backlog.git.coordination.internal.Journal;
import dev.backlog.git.coordination.internal.Lanes;
import dev.backlog.git.coordination.internal.LockManager;
import dev.backlog.git.coordination.internal.Merges;
import dev.backlog.git.coordination.internal.Missions;
import dev.backlog.git.coordination.internal.Recovery;
import dev.backlog.git.coordination.internal.Repository;
import dev.backlog.git.coordination.internal.SafeCommit;
import dev.backlog.git.coordination.internal.Worktrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of git coordination for one repository: missions and their coordination branches,
 * lanes, bookkeeping transactions, the two-stage merge, cleanup, doctor and recovery. Drives the
 * git CLI (minimum {@link #MINIMUM_GIT}).
 *
 * <p>Thread-safe: bookkeeping on one mission is serialized by an in-JVM lock plus a file lock under
 * the git common directory, which also serializes other processes.
 */
public final class Coordinator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  /** The oldest supported git. */
  public static final String MINIMUM_GIT = GitVersion.MINIMUM.toString();

  /** The name of the event-log merge driver in git config and {@code .gitattributes}. */
  public static final String EVENTS_DRIVER = "backlog-events";

  /** The name of the status merge driver: keeps ours; the merge re-materializes the file. */
  public static final String STATUS_DRIVER = "backlog-status";

  /** The commit trailer naming the bookkeeping transaction. */
  public static final String TRANSACTION_TRAILER = "Backlog-Transaction";

  /** The commit trailer carrying the lease token a bookkeeping commit was made under. */
  public static final String LEASE_TRAILER = "Backlog-Lease";

  /** The directory, under the main worktree, that holds mission and lane worktrees. */
  public static final String WORKTREES_DIR = ".worktrees";

  private final Repository repo;
  private final Recovery recovery;
  private final SafeCommit commits;
  private final Missions missionOps;
  private final Lanes laneOps;
  private final Merges merges;
  private final Doctor doctorOps;

  private Coordinator(
      CoordinationConfig config, GitRunner git, GitVersion version, Path root, Path commonDir) {
    this.repo = new Repository(config, git, version, root, commonDir);
    this.recovery = new Recovery(repo);
    this.commits = new SafeCommit(repo);
    this.missionOps = new Missions(repo, recovery, commits);
    this.laneOps = new Lanes(repo);
    this.merges = new Merges(repo, laneOps);
    this.doctorOps = new Doctor(repo, missionOps, laneOps);
  }

  /**
   * Opens the repository containing {@code dir}; checks the git version.
   *
   * @throws GitCoordinationException when git is missing or too old, or {@code dir} is not in a
   *     repository
   */
  public static Coordinator open(Path dir, CoordinationConfig config) {
    return open(dir, config, "C");
  }

  static Coordinator open(Path dir, CoordinationConfig config, String locale) {
    GitRunner git =
        new GitRunner(config.gitExecutable(), config.gitTimeout(), config.environment(), locale);
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw InvalidInputException.of(
          "repository",
          "directory " + abs + " does not exist; give a directory inside a git repository");
    }
    GitVersion v = git.version(abs);
    if (!v.atLeast(GitVersion.MINIMUM)) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_TOO_OLD,
          "git "
              + v
              + " is too old; git coordination"
              + " needs "
              + GitVersion.MINIMUM
              + " or later (per-worktree sparse checkout); upgrade git");
    }
    GitResult common = git.run(abs, "rev-parse", "--git-common-dir");
    if (!common.ok()) {
      throw new GitCoordinationException(
          GitErrorCode.NOT_A_REPOSITORY,
          abs
              + " is not inside a git repository;"
              + " run 'git init' there or give a directory inside a repository");
    }
    Path commonDir = abs.resolve(common.text()).normalize();
    List<Worktrees.Entry> wts = Worktrees.list(git, abs, v.atLeast(new GitVersion(2, 36, 0)));
    if (wts.isEmpty()
        || Files.exists(wts.get(0).path().resolve("HEAD"))
            && !Files.exists(wts.get(0).path().resolve(".git"))) {
      throw new GitCoordinationException(
          GitErrorCode.NOT_A_REPOSITORY,
          abs
              + " belongs to a bare repository;"
              + " git coordination needs a repository with a main worktree");
    }
    return new Coordinator(
        config, git, v, wts.get(0).path().toAbsolutePath().normalize(), commonDir);
  }

  /** The main worktree's directory. */
  public Path root() {
    return repo.root();
  }

  /** The git common directory (shared by all worktrees). */
  public Path commonDir() {
    return repo.commonDir();
  }

  /** The git version found at open. */
  public String gitVersion() {
    return repo.version().toString();
  }

  /** The settings. */
  public CoordinationConfig config() {
    return repo.config();
  }

  // ---------------------------------------------------------------- missions

  /** The coordination worktree of a mission: {@code .worktrees/<slug>-<id8>-coord/}. */
  public Path coordinationWorktree(Mission m) {
    return repo.coordinationWorktree(m);
  }

  /** The worktree of a lane: {@code .worktrees/<slug>-<id8>-lane-<n>/}. */
  public Path laneWorktree(Mission m, int n) {
    return repo.laneWorktree(m, n);
  }

  Path lockFile(Mission m) {
    return repo.lockFile(m);
  }

  Path journalFile(Mission m) {
    return repo.journalFile(m);
  }

  /**
   * Creates (or, when it exists, reuses) the mission's coordination branch from {@code baseRef},
   * its worktree, the empty event log and status, the {@code .gitattributes} that routes them to
   * the merge drivers, and registers the drivers in git config. Idempotent.
   *
   * @return the mission
   */
  public Mission init(Mission m, String baseRef) {
    return missionOps.init(m, baseRef);
  }

  /**
   * The mission that {@code handleOrSlug} names: a handle ({@code <slug>-<id8>}) of a mission that
   * has a coordination branch, or else a slug that exactly one such mission has. A handle of no
   * mission (and no mission with it as a slug) comes back as parsed, for the operation to report.
   *
   * @throws GitCoordinationException {@link GitErrorCode#MISSION_NOT_FOUND} for a slug no mission
   *     has
   * @throws InvalidInputException for a slug several missions have (naming them), or text that is
   *     neither a slug nor a handle
   */
  public Mission mission(String handleOrSlug) {
    return missionOps.resolve(handleOrSlug);
  }

  /** The missions that have a coordination branch, sorted by handle. */
  public List<Mission> missions() {
    return missionOps.missions();
  }

  /** Registers the merge drivers in the repository's git config (local scope). Idempotent. */
  public void registerMergeDrivers() {
    missionOps.registerMergeDrivers();
  }

  /** The merge driver command that runs the driver in a JVM like this one. */
  public static String thisJvmDriverCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    return shellQuote(java)
        + " -cp "
        + shellQuote(cp)
        + " "
        + EventLogMergeDriver.class.getName()
        + " %O %A %B";
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  // ---------------------------------------------------------------- lanes

  /**
   * Adds lane {@code n} (or the next free number when {@code n} is 0): a branch parented on the
   * coordination branch tip (created with a compare-and-swap that refuses an existing ref) and a
   * worktree with the mission's status files left out by sparse checkout. Idempotent for an
   * existing lane.
   */
  public Lane addLane(Mission m, int n) {
    missionOps.requireMission(m);
    return laneOps.addLane(m, n);
  }

  /** The mission's lanes (those with a lane branch), sorted by number. */
  public List<Lane> lanes(Mission m) {
    return laneOps.lanes(m);
  }

  /**
   * Removes a lane in the order worktree → prune → branch. Without {@code force}, a lane that is
   * dirty or has commits not on the coordination branch is refused.
   */
  public void removeLane(Mission m, int n, boolean force) {
    laneOps.removeLane(m, n, force);
  }

  // ---------------------------------------------------------------- bookkeeping

  /**
   * Starts a bookkeeping transaction on the mission: takes the lock, recovers an unfinished
   * transaction left by a crash, and checks that the status files match the branch tip.
   */
  public BookkeepingTransaction begin(Mission m) {
    missionOps.requireMission(m);
    Path wt = coordinationWorktree(m);
    if (!Files.isRegularFile(wt.resolve(".git"))) {
      wt = repo.ensureWorktree(wt, m.branch(), List.of());
    }
    LockManager.Held held = repo.lock(m);
    try {
      recovery.recover(m);
      return new BookkeepingTransaction(this, m, wt, held);
    } catch (RuntimeException e) {
      held.close();
      throw e;
    }
  }

  /** Records one event in its own transaction and returns the receipt. */
  public CommitReceipt record(Mission m, EventDraft draft) {
    try (BookkeepingTransaction tx = begin(m)) {
      tx.append(draft);
      return tx.commit();
    }
  }

  /** The committed events of the mission (read from the coordination branch tip), in log order. */
  public List<CoordinationEvent> events(Mission m) {
    missionOps.requireMission(m);
    GitResult r =
        repo.git()
            .run(
                repo.root(),
                "cat-file",
                "blob",
                "refs/heads/" + m.branch() + ":" + m.eventLogPath());
    if (!r.ok()) {
      return List.of();
    }
    List<CoordinationEvent> events = new ArrayList<>(EventLogCodec.parse(r.stdout()));
    events.sort(CoordinationEvent.ORDER);
    return events;
  }

  /** The status of the mission as materialized from the committed log. */
  public MissionStatus status(Mission m) {
    return StatusReducer.reduce(m, events(m));
  }

  void rollBack(Mission m, Path wt, Journal j) throws IOException {
    recovery.rollBack(m, wt, j);
  }

  /** The commit on {@code branch} after {@code since} whose transaction trailer is {@code tx}. */
  Optional<String> findTransactionCommit(String branch, String since, String tx) {
    return recovery.findTransactionCommit(branch, since, tx);
  }

  // ---------------------------------------------------------------- safe commit

  /**
   * Commits exactly {@code paths} (relative to the worktree root) in {@code worktree} onto {@code
   * destinationRef}: refused for protected branches and when the worktree's HEAD is not that
   * branch; afterwards asserts that the commit landed on it, with the old tip as parent, and
   * touched only the given paths. git itself updates the branch with a compare-and-swap on the tip
   * it read.
   *
   * @return the new commit, or empty when the paths had no changes
   * @throws GitCoordinationException with {@link GitErrorCode#COMMIT_REFUSED} when git (e.g. a
   *     hook) refused; the branch did not move
   */
  public Optional<String> safeCommit(
      Path worktree, String destinationRef, List<String> paths, String message) {
    return commits.commitPaths(
        worktree.toAbsolutePath().normalize(),
        destinationRef,
        paths,
        message,
        p -> {},
        Optional.empty());
  }

  /**
   * As {@link #safeCommit}; with {@code knownTip} (the caller holds the mission lock and knows the
   * tracked paths changed) the change probe and the staging step are skipped.
   */
  Optional<String> commitPaths(
      Path wt,
      String destinationRef,
      List<String> paths,
      String message,
      Consumer<ProcessHandle> onStart,
      Optional<String> knownTip) {
    return commits.commitPaths(wt, destinationRef, paths, message, onStart, knownTip);
  }

  // ---------------------------------------------------------------- merge

  /**
   * The two-stage merge: every lane into the coordination branch, then the coordination branch into
   * {@code target}, serialized per target by a persisted FIFO. A target checked out in a worktree
   * must be clean and is merged in that worktree; otherwise the merge is made in a temporary
   * worktree and the target ref moved with a compare-and-swap. {@code status.json} is never merged
   * but re-materialized from the merged log. On a conflict the merge is aborted.
   */
  public MergeReport merge(Mission m, String target) {
    missionOps.requireMission(m);
    return merges.merge(m, target, this::begin);
  }

  // ---------------------------------------------------------------- cleanup, doctor, recovery

  /**
   * Removes lanes merged into the coordination branch at least {@code grace} ago, each in the order
   * worktree → prune → branch (compare-and-swap delete); dirty lanes are kept.
   */
  public CleanupReport cleanup(Mission m, Duration grace) {
    missionOps.requireMission(m);
    return laneOps.cleanup(m, grace);
  }

  /**
   * Checks git, the merge drivers, each mission's attributes, lanes' sparse checkout and pending
   * journals.
   */
  public DoctorReport doctor() {
    return doctorOps.doctor();
  }

  /** The state of the mission's worktrees and branches for recovery after a crash. */
  public RecoveryReport recoveryReport(Mission m) {
    return doctorOps.recoveryReport(m);
  }

  // ---------------------------------------------------------------- git helpers

  Optional<String> resolve(String ref) {
    return repo.resolve(ref);
  }

  boolean dirty(Path wt, String... paths) {
    return repo.dirty(wt, paths);
  }

  /** Nothing to release beyond what each operation releases itself; present for host lifecycles. */
  @Override
  public void close() {
    LOG.debug("coordinator for {} closed", repo.root());
  }
}
