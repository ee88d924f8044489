package dev.backlog.git.coordination;

import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.internal.AtomicFiles;
import dev.backlog.git.coordination.internal.EventLogCodec;
import dev.backlog.git.coordination.internal.EventLogMergeDriver;
import dev.backlog.git.coordination.internal.GitResult;
import dev.backlog.git.coordination.internal.GitRunner;
import dev.backlog.git.coordination.internal.GitVersion;
import dev.backlog.git.coordination.internal.Journal;
import dev.backlog.git.coordination.internal.LockManager;
import dev.backlog.git.coordination.internal.MergeQueue;
import dev.backlog.git.coordination.internal.ProcessTrees;
import dev.backlog.git.coordination.internal.Worktrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of git coordination for one repository: missions and their coordination
 * branches, lanes, bookkeeping transactions, the two-stage merge, cleanup, doctor and recovery.
 * Drives the git CLI (minimum {@link #MINIMUM_GIT}).
 *
 * <p>Thread-safe: bookkeeping on one mission is serialized by an in-JVM lock plus a file lock
 * under the git common directory, which also serializes other processes.
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

  private static final Pattern LANE_SUFFIX = Pattern.compile("-lane-(\\d+)$");

  private final CoordinationConfig config;
  private final GitRunner git;
  private final GitVersion version;
  private final Path root;
  private final Path commonDir;
  private final LockManager locks = new LockManager();

  private Coordinator(CoordinationConfig config, GitRunner git, GitVersion version, Path root, Path commonDir) {
    this.config = config;
    this.git = git;
    this.version = version;
    this.root = root;
    this.commonDir = commonDir;
  }

  /**
   * Opens the repository containing {@code dir}; checks the git version.
   *
   * @throws GitCoordinationException when git is missing or too old, or {@code dir} is not in a repository
   */
  public static Coordinator open(Path dir, CoordinationConfig config) {
    return open(dir, config, "C");
  }

  static Coordinator open(Path dir, CoordinationConfig config, String locale) {
    GitRunner git = new GitRunner(config.gitExecutable(), config.gitTimeout(), config.environment(), locale);
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw InvalidInputException.of("repository", "directory " + abs + " does not exist; give a directory inside a git repository");
    }
    GitVersion v = git.version(abs);
    if (!v.atLeast(GitVersion.MINIMUM)) {
      throw new GitCoordinationException(GitErrorCode.GIT_TOO_OLD, "git " + v + " is too old; git coordination"
          + " needs " + GitVersion.MINIMUM + " or later (per-worktree sparse checkout); upgrade git");
    }
    GitResult common = git.run(abs, "rev-parse", "--git-common-dir");
    if (!common.ok()) {
      throw new GitCoordinationException(GitErrorCode.NOT_A_REPOSITORY, abs + " is not inside a git repository;"
          + " run 'git init' there or give a directory inside a repository");
    }
    Path commonDir = abs.resolve(common.text()).normalize();
    List<Worktrees.Entry> wts = Worktrees.list(git, abs, v.atLeast(new GitVersion(2, 36, 0)));
    if (wts.isEmpty() || Files.exists(wts.get(0).path().resolve("HEAD")) && !Files.exists(wts.get(0).path().resolve(".git"))) {
      throw new GitCoordinationException(GitErrorCode.NOT_A_REPOSITORY, abs + " belongs to a bare repository;"
          + " git coordination needs a repository with a main worktree");
    }
    return new Coordinator(config, git, v, wts.get(0).path().toAbsolutePath().normalize(), commonDir);
  }

  /** The main worktree's directory. */
  public Path root() {
    return root;
  }

  /** The git common directory (shared by all worktrees). */
  public Path commonDir() {
    return commonDir;
  }

  /** The git version found at open. */
  public String gitVersion() {
    return version.toString();
  }

  /** The settings. */
  public CoordinationConfig config() {
    return config;
  }

  GitRunner git() {
    return git;
  }

  LockManager locks() {
    return locks;
  }

  // ---------------------------------------------------------------- missions

  /** The coordination worktree of a mission: {@code .worktrees/<slug>-<id8>-coord/}. */
  public Path coordinationWorktree(Mission m) {
    return root.resolve(WORKTREES_DIR).resolve(m.handle() + "-coord");
  }

  /** The worktree of a lane: {@code .worktrees/<slug>-<id8>-lane-<n>/}. */
  public Path laneWorktree(Mission m, int n) {
    return root.resolve(WORKTREES_DIR).resolve(m.handle() + "-lane-" + n);
  }

  Path stateDir(Mission m) {
    return commonDir.resolve("backlog").resolve(m.handle());
  }

  Path lockFile(Mission m) {
    return stateDir(m).resolve("bookkeeping.lock");
  }

  Path journalFile(Mission m) {
    return stateDir(m).resolve("journal.json");
  }

  /**
   * Creates (or, when it exists, reuses) the mission's coordination branch from {@code baseRef},
   * its worktree, the empty event log and status, the {@code .gitattributes} that routes them to
   * the merge drivers, and registers the drivers in git config. Idempotent.
   *
   * @return the mission
   */
  public Mission init(Mission m, String baseRef) {
    registerMergeDrivers();
    excludeWorktreesDir();
    String ref = "refs/heads/" + m.branch();
    if (resolve(ref).isEmpty()) {
      GitResult base = git.run(root, "rev-parse", "--verify", "-q", baseRef + "^{commit}");
      if (!base.ok()) {
        throw InvalidInputException.of("base", "base '" + baseRef + "' is not a commit in " + root
            + "; give a branch, tag or commit to start the mission from");
      }
      GitResult created = git.run(root, "update-ref", ref, base.text(), "");
      if (!created.ok() && resolve(ref).isEmpty()) {
        throw new GitCoordinationException(GitErrorCode.GIT_FAILED, created.describe());
      }
      LOG.info("created coordination branch {} at {}", m.branch(), base.text());
    }
    Path wt = ensureWorktree(coordinationWorktree(m), m.branch(), List.of());
    LockManager.Held held = locks.acquire(lockFile(m), config.lockTimeout());
    try {
      recover(m);
      Path data = wt.resolve(m.dataDir());
      Files.createDirectories(data);
      List<String> paths = new ArrayList<>();
      Path log = wt.resolve(m.eventLogPath());
      if (!Files.exists(log)) {
        AtomicFiles.write(log, new byte[0]);
      }
      Path status = wt.resolve(m.statusPath());
      if (!Files.exists(status)) {
        AtomicFiles.write(status, EventLogCodec.render(StatusReducer.reduce(m, List.of())));
      }
      Path attributes = data.resolve(".gitattributes");
      byte[] attr = ("status.events.jsonl merge=" + EVENTS_DRIVER + "\nstatus.json merge=" + STATUS_DRIVER + "\n")
          .getBytes(StandardCharsets.UTF_8);
      if (!Files.exists(attributes) || !java.util.Arrays.equals(Files.readAllBytes(attributes), attr)) {
        AtomicFiles.write(attributes, attr);
      }
      paths.add(m.eventLogPath());
      paths.add(m.statusPath());
      paths.add(m.dataDir() + "/.gitattributes");
      commitPaths(wt, m.branch(), paths, "Start mission " + m.handle(), p -> { });
    } catch (IOException e) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, "cannot write the mission files in " + wt
          + ": " + e.getMessage(), e);
    } finally {
      held.close();
    }
    return m;
  }

  /** The missions that have a coordination branch, sorted by handle. */
  public List<Mission> missions() {
    List<Mission> out = new ArrayList<>();
    for (String ref : git.require(root, "for-each-ref", "--format=%(refname)", "refs/heads/backlog/").lines()) {
      Mission.fromBranch(ref).ifPresent(out::add);
    }
    out.sort(java.util.Comparator.comparing(Mission::handle));
    return out;
  }

  private void requireMission(Mission m) {
    if (resolve("refs/heads/" + m.branch()).isEmpty()) {
      throw new GitCoordinationException(GitErrorCode.MISSION_NOT_FOUND, "mission " + m.handle() + " has no"
          + " coordination branch " + m.branch() + "; create it with 'backlog coord init'");
    }
  }

  /** Registers the merge drivers in the repository's git config (local scope). Idempotent. */
  public void registerMergeDrivers() {
    String command = config.mergeDriverCommand().orElseGet(Coordinator::thisJvmDriverCommand);
    git.require(root, "config", "--local", "merge." + EVENTS_DRIVER + ".name",
        "backlog event log: union by event id, ordered by clock");
    git.require(root, "config", "--local", "merge." + EVENTS_DRIVER + ".driver", command);
    git.require(root, "config", "--local", "merge." + STATUS_DRIVER + ".name",
        "backlog status: keep ours, re-materialized after the merge");
    git.require(root, "config", "--local", "merge." + STATUS_DRIVER + ".driver", "true");
  }

  /** The merge driver command that runs the driver in a JVM like this one. */
  public static String thisJvmDriverCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    return shellQuote(java) + " -cp " + shellQuote(cp) + " " + EventLogMergeDriver.class.getName() + " %O %A %B";
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private void excludeWorktreesDir() {
    Path exclude = commonDir.resolve("info").resolve("exclude");
    try {
      String current = Files.exists(exclude) ? Files.readString(exclude, StandardCharsets.UTF_8) : "";
      if (!current.lines().anyMatch(l -> l.strip().equals("/" + WORKTREES_DIR + "/"))) {
        String next = current + (current.isEmpty() || current.endsWith("\n") ? "" : "\n") + "/" + WORKTREES_DIR + "/\n";
        AtomicFiles.write(exclude, next.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      LOG.warn("cannot add /{}/ to {}: {}", WORKTREES_DIR, exclude, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- lanes

  /**
   * Adds lane {@code n} (or the next free number when {@code n} is 0): a branch parented on the
   * coordination branch tip (created with a compare-and-swap that refuses an existing ref) and a
   * worktree with the mission's status files left out by sparse checkout. Idempotent for an existing lane.
   */
  public Lane addLane(Mission m, int n) {
    requireMission(m);
    LockManager.Held held = locks.acquire(lockFile(m), config.lockTimeout());
    try {
      return addLaneLocked(m, n);
    } finally {
      held.close();
    }
  }

  private Lane addLaneLocked(Mission m, int n) {
    int number = n;
    if (number == 0) {
      number = lanes(m).stream().mapToInt(Lane::number).max().orElse(0) + 1;
    }
    if (number < 0) {
      throw InvalidInputException.of("lane", "lane number " + n + " is not valid; use 1 or more, or 0 for the next free one");
    }
    String branch = m.laneBranch(number);
    String ref = "refs/heads/" + branch;
    if (resolve(ref).isEmpty()) {
      String tip = resolve("refs/heads/" + m.branch()).orElseThrow();
      GitResult created = git.run(root, "update-ref", ref, tip, "");
      if (!created.ok() && resolve(ref).isEmpty()) {
        throw new GitCoordinationException(GitErrorCode.REF_MOVED, created.describe() + "; retry");
      }
    }
    Path wt = ensureWorktree(laneWorktree(m, number), branch,
        List.of("/" + m.eventLogPath(), "/" + m.statusPath()));
    return new Lane(m, number, branch, wt);
  }

  /** The mission's lanes (those with a lane branch), sorted by number. */
  public List<Lane> lanes(Mission m) {
    List<Lane> out = new ArrayList<>();
    String prefix = "refs/heads/" + m.branch() + "-lane-";
    for (String ref : git.require(root, "for-each-ref", "--format=%(refname)", "refs/heads/backlog/").lines()) {
      if (ref.startsWith(prefix)) {
        var matcher = LANE_SUFFIX.matcher(ref);
        if (matcher.find() && ref.length() == prefix.length() + matcher.group(1).length()) {
          int n = Integer.parseInt(matcher.group(1));
          out.add(new Lane(m, n, m.laneBranch(n), laneWorktree(m, n)));
        }
      }
    }
    out.sort(java.util.Comparator.comparingInt(Lane::number));
    return out;
  }

  /**
   * Removes a lane in the order worktree → prune → branch. Without {@code force}, a lane that is
   * dirty or has commits not on the coordination branch is refused.
   */
  public void removeLane(Mission m, int n, boolean force) {
    LockManager.Held held = locks.acquire(lockFile(m), config.lockTimeout());
    try {
      removeLaneLocked(m, n, force);
    } finally {
      held.close();
    }
  }

  private void removeLaneLocked(Mission m, int n, boolean force) {
    Lane lane = lanes(m).stream().filter(l -> l.number() == n).findFirst().orElseThrow(() ->
        new GitCoordinationException(GitErrorCode.LANE_NOT_FOUND, "mission " + m.handle() + " has no lane " + n
            + "; list lanes with 'backlog coord lane list'"));
    if (!force) {
      if (Files.isDirectory(lane.worktree()) && dirty(lane.worktree())) {
        throw new GitCoordinationException(GitErrorCode.DIRTY_WORKTREE, "lane " + n + " in " + lane.worktree()
            + " has uncommitted changes; commit or discard them, or remove with --force");
      }
      if (!isAncestor("refs/heads/" + lane.branch(), "refs/heads/" + m.branch())) {
        throw new GitCoordinationException(GitErrorCode.DIRTY_WORKTREE, "lane " + n + " has commits not merged"
            + " into " + m.branch() + "; merge the mission first, or remove with --force");
      }
    }
    removeWorktreeAndBranch(lane, force);
  }

  private void removeWorktreeAndBranch(Lane lane, boolean force) {
    if (isRegistered(lane.worktree())) {
      List<String> args = new ArrayList<>(List.of("worktree", "remove"));
      if (force) {
        args.add("--force");
      }
      args.add(lane.worktree().toString());
      git.require(root, args);
    }
    git.require(root, "worktree", "prune");
    Optional<String> tip = resolve("refs/heads/" + lane.branch());
    if (tip.isPresent()) {
      GitResult deleted = git.run(root, "update-ref", "-d", "refs/heads/" + lane.branch(), tip.get());
      if (!deleted.ok() && resolve("refs/heads/" + lane.branch()).isPresent()) {
        throw new GitCoordinationException(GitErrorCode.REF_MOVED, "lane branch " + lane.branch()
            + " moved while it was being removed; inspect it and remove again");
      }
    }
    try {
      AtomicFiles.delete(stateDir(lane.mission()).resolve("lane-" + lane.number() + ".merged"));
    } catch (IOException e) {
      LOG.debug("cannot remove merge marker of lane {}", lane.number(), e);
    }
    LOG.info("removed lane {} of mission {}", lane.number(), lane.mission().handle());
  }

  // ---------------------------------------------------------------- bookkeeping

  /**
   * Starts a bookkeeping transaction on the mission: takes the lock, recovers an unfinished
   * transaction left by a crash, and checks that the status files match the branch tip.
   */
  public BookkeepingTransaction begin(Mission m) {
    requireMission(m);
    Path wt = coordinationWorktree(m);
    if (!Files.isRegularFile(wt.resolve(".git"))) {
      wt = ensureWorktree(wt, m.branch(), List.of());
    }
    LockManager.Held held = locks.acquire(lockFile(m), config.lockTimeout());
    try {
      recover(m);
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
    requireMission(m);
    GitResult r = git.run(root, "cat-file", "blob", "refs/heads/" + m.branch() + ":" + m.eventLogPath());
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

  /**
   * Rolls an unfinished transaction forward (its commit exists, found by trailer) or back (the
   * exact bytes from the journal are restored). Called with the mission lock held.
   */
  void recover(Mission m) {
    Path journalFile = journalFile(m);
    Path wt = coordinationWorktree(m);
    Path log = wt.resolve(m.eventLogPath());
    Path status = wt.resolve(m.statusPath());
    Optional<Journal> journal;
    try {
      journal = Journal.read(journalFile);
    } catch (IOException e) {
      LOG.warn("journal {} is damaged ({}); restoring the status files to the branch tip", journalFile, e.getMessage());
      removeTempFiles(wt.resolve(m.dataDir()));
      git.require(wt, "checkout", "HEAD", "--", m.eventLogPath(), m.statusPath());
      try {
        Files.move(journalFile, journalFile.resolveSibling("journal.damaged-" + System.currentTimeMillis()));
      } catch (IOException ex) {
        throw new GitCoordinationException(GitErrorCode.CORRUPT_STATE, "cannot move the damaged journal "
            + journalFile + " aside: " + ex.getMessage() + "; delete it by hand", ex);
      }
      return;
    }
    if (journal.isEmpty()) {
      return;
    }
    Journal j = journal.get();
    LOG.info("recovering bookkeeping transaction {} of mission {}", j.transaction(), m.handle());
    removeTempFiles(wt.resolve(m.dataDir()));
    j.commitPid().flatMap(pid -> ProcessTrees.find(pid, j.commitStarted())).ifPresent(p -> {
      LOG.warn("killing git process {} left running by a crashed transaction", p.pid());
      ProcessTrees.killTree(p, Duration.ofSeconds(10));
    });
    removeStaleLocks(wt, m.branch());
    Optional<String> commit = findTransactionCommit(m.branch(), j.head(), j.transaction());
    try {
      if (commit.isPresent()) {
        LOG.info("transaction {} was committed as {}; rolling forward", j.transaction(), commit.get());
        if (dirty(wt, m.eventLogPath(), m.statusPath())) {
          git.require(wt, "checkout", "HEAD", "--", m.eventLogPath(), m.statusPath());
        }
      } else {
        LOG.info("transaction {} was not committed; rolling back", j.transaction());
        rollBack(m, wt, j);
      }
      AtomicFiles.delete(journalFile);
    } catch (IOException e) {
      throw new GitCoordinationException(GitErrorCode.CORRUPT_STATE, "cannot recover transaction "
          + j.transaction() + " in " + wt + ": " + e.getMessage() + "; inspect " + log + " and " + status, e);
    }
  }

  /** Deletes the temp files a process killed inside an atomic write left next to the status files. */
  private static void removeTempFiles(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    try (var files = Files.list(dataDir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith(".status.")
          && f.getFileName().toString().endsWith(".tmp")).toList()) {
        Files.deleteIfExists(p);
        LOG.info("removed {} left by an interrupted write", p);
      }
    } catch (IOException e) {
      LOG.warn("cannot clean temp files in {}: {}", dataDir, e.getMessage());
    }
  }

  void rollBack(Mission m, Path wt, Journal j) throws IOException {
    Path log = wt.resolve(m.eventLogPath());
    Path status = wt.resolve(m.statusPath());
    if (Files.exists(log) && Files.size(log) >= j.logSize()) {
      AtomicFiles.truncate(log, j.logSize());
    }
    if (!AtomicFiles.sha256(log).equals(j.logSha256())) {
      LOG.warn("event log {} does not match the journal after truncation; restoring it from the branch tip", log);
      git.require(wt, "checkout", "HEAD", "--", m.eventLogPath());
    }
    AtomicFiles.write(status, j.status());
    git.require(wt, "reset", "-q", "HEAD", "--", m.eventLogPath(), m.statusPath());
  }

  private void removeStaleLocks(Path wt, String branch) {
    try {
      GitResult gd = git.run(wt, "rev-parse", "--absolute-git-dir");
      if (gd.ok()) {
        Path index = Path.of(gd.text()).resolve("index.lock");
        if (Files.deleteIfExists(index)) {
          LOG.warn("removed stale {}", index);
        }
      }
      Path refLock = commonDir.resolve("refs/heads/" + branch + ".lock");
      if (Files.deleteIfExists(refLock)) {
        LOG.warn("removed stale {}", refLock);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove stale git lock files in {}: {}", wt, e.getMessage());
    }
  }

  /** The commit on {@code branch} after {@code since} whose transaction trailer is {@code tx}. */
  Optional<String> findTransactionCommit(String branch, String since, String tx) {
    GitResult r = git.run(root, "log", "-z", "--format=%H%x09%(trailers:key=" + TRANSACTION_TRAILER
        + ",valueonly,separator=%x2C)", since + "..refs/heads/" + branch);
    if (!r.ok()) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe());
    }
    for (String rec : r.nulSeparated()) {
      String[] parts = rec.strip().split("\t", 2);
      if (parts.length == 2) {
        for (String v : parts[1].split(",")) {
          if (v.strip().equals(tx)) {
            return Optional.of(parts[0].strip());
          }
        }
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- safe commit

  /**
   * Commits exactly {@code paths} (relative to the worktree root) in {@code worktree} onto
   * {@code destinationRef}: refused for protected branches and when the worktree's HEAD is not
   * that branch; afterwards asserts that the commit landed on it, with the old tip as parent, and
   * touched only the given paths. git itself updates the branch with a compare-and-swap on the tip
   * it read.
   *
   * @return the new commit, or empty when the paths had no changes
   * @throws GitCoordinationException with {@link GitErrorCode#COMMIT_REFUSED} when git (e.g. a hook)
   *     refused; the branch did not move
   */
  public Optional<String> safeCommit(Path worktree, String destinationRef, List<String> paths, String message) {
    return commitPaths(worktree.toAbsolutePath().normalize(), destinationRef, paths, message, p -> { });
  }

  Optional<String> commitPaths(Path wt, String destinationRef, List<String> paths, String message,
      Consumer<ProcessHandle> onStart) {
    return commitPaths(wt, destinationRef, paths, message, onStart, Optional.empty());
  }

  /**
   * As {@link #safeCommit}; with {@code knownTip} (the caller holds the mission lock and knows the
   * tracked paths changed) the change probe and the staging step are skipped.
   */
  Optional<String> commitPaths(Path wt, String destinationRef, List<String> paths, String message,
      Consumer<ProcessHandle> onStart, Optional<String> knownTip) {
    String branch = destinationRef.startsWith("refs/heads/") ? destinationRef.substring(11) : destinationRef;
    if (config.protectedBranches().contains(branch)) {
      throw new GitCoordinationException(GitErrorCode.PROTECTED_BRANCH, "refusing to commit to protected branch '"
          + branch + "'; bookkeeping goes to a mission's coordination branch");
    }
    if (paths.isEmpty()) {
      throw InvalidInputException.of("paths", "no paths to commit; name the files to commit");
    }
    String ref = "refs/heads/" + branch;
    GitResult head = git.run(wt, "symbolic-ref", "-q", "HEAD");
    if (!head.ok() || !head.text().equals(ref)) {
      throw new GitCoordinationException(GitErrorCode.WRONG_DESTINATION, "worktree " + wt + " has "
          + (head.ok() ? head.text() : "a detached HEAD") + " checked out, not " + ref
          + "; commit from the worktree of " + branch);
    }
    Optional<String> before = knownTip.isPresent() ? knownTip : resolve(ref);
    if (knownTip.isEmpty()) {
      List<String> statusArgs = new ArrayList<>(List.of("--literal-pathspecs", "status", "--porcelain", "-z",
          "--untracked-files=all", "--"));
      statusArgs.addAll(paths);
      if (git.require(wt, statusArgs).stdout().length == 0) {
        return Optional.empty();
      }
      List<String> add = new ArrayList<>(List.of("--literal-pathspecs", "add", "-A", "--"));
      add.addAll(paths);
      git.require(wt, add);
    }
    List<String> commit = new ArrayList<>(List.of("--literal-pathspecs", "commit", "-q", "-m", message, "--only", "--"));
    commit.addAll(paths);
    GitResult r = git.run(wt, onStart, commit);
    Optional<String> after = resolve(ref);
    if (after.equals(before)) {
      if (r.timedOut()) {
        removeStaleLocks(wt, branch);
      }
      GitErrorCode code = r.timedOut() ? GitErrorCode.GIT_TIMEOUT : GitErrorCode.COMMIT_REFUSED;
      throw new GitCoordinationException(code, "the commit to " + branch + " was refused: " + r.describe()
          + "; the branch did not move; fix what the hook reports and retry");
    }
    String now = after.orElseThrow();
    GitResult headAfter = git.run(wt, "symbolic-ref", "-q", "HEAD");
    List<String> parents = List.of(git.require(root, "rev-list", "--parents", "-n", "1", now).text().split(" "));
    List<String> changed = git.require(root, "diff-tree", "-z", "-r", "--no-commit-id", "--name-only",
        "--root", now).nulSeparated();
    Set<String> allowed = new HashSet<>(paths);
    boolean parentOk = before.map(b -> parents.size() == 2 && parents.get(1).equals(b)).orElse(parents.size() == 1);
    if (!headAfter.ok() || !headAfter.text().equals(ref) || !parentOk || !allowed.containsAll(changed)) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, "commit " + now + " on " + branch
          + " broke the safe-commit contract (HEAD " + headAfter.text() + ", parents " + parents + ", paths "
          + changed + ", expected parent " + before.orElse("none") + " and paths " + paths + "); inspect the branch");
    }
    return Optional.of(now);
  }

  // ---------------------------------------------------------------- merge

  /**
   * The two-stage merge: every lane into the coordination branch, then the coordination branch
   * into {@code target}, serialized per target by a persisted FIFO. A target checked out in a
   * worktree must be clean and is merged in that worktree; otherwise the merge is made in a
   * temporary worktree and the target ref moved with a compare-and-swap. {@code status.json} is
   * never merged but re-materialized from the merged log. On a conflict the merge is aborted.
   */
  public MergeReport merge(Mission m, String target) {
    requireMission(m);
    String targetBranch = target.startsWith("refs/heads/") ? target.substring(11) : target;
    String targetRef = "refs/heads/" + targetBranch;
    if (resolve(targetRef).isEmpty()) {
      throw InvalidInputException.of("target", "target branch '" + targetBranch + "' does not exist; create it"
          + " or name an existing branch");
    }
    if (targetBranch.equals(m.branch()) || targetBranch.startsWith(m.branch() + "-lane-")) {
      throw InvalidInputException.of("target", "target '" + targetBranch + "' is part of mission " + m.handle());
    }
    MergeQueue queue = new MergeQueue(commonDir.resolve("backlog").resolve("merge-queue")
        .resolve(targetBranch.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + AtomicFiles.sha256(
            targetBranch.getBytes(StandardCharsets.UTF_8)).substring(0, 12)), locks);
    LockManager.Held turn = queue.await(config.lockTimeout());
    try (BookkeepingTransaction tx = begin(m)) {
      Path coordWt = tx.worktree();
      Optional<Worktrees.Entry> checkedOut = worktreeOf(targetRef);
      if (checkedOut.isPresent() && dirty(checkedOut.get().path())) {
        throw new GitCoordinationException(GitErrorCode.DIRTY_WORKTREE, "target " + targetBranch + " is checked out"
            + " in " + checkedOut.get().path() + " with uncommitted changes; commit or stash them, then merge again");
      }
      List<Integer> merged = new ArrayList<>();
      for (Lane lane : lanes(m)) {
        String laneRef = "refs/heads/" + lane.branch();
        if (isAncestor(laneRef, "refs/heads/" + m.branch())) {
          if (marker(m, lane.number()).isEmpty()) {
            writeMarker(m, lane.number());
          }
          continue;
        }
        mergeInto(coordWt, laneRef, m.branch(), "Merge lane " + lane.number() + " of mission " + m.handle());
        merged.add(lane.number());
        writeMarker(m, lane.number());
      }
      String coordTip = resolve("refs/heads/" + m.branch()).orElseThrow();
      Optional<String> targetCommit = Optional.empty();
      if (!isAncestor("refs/heads/" + m.branch(), targetRef)) {
        targetCommit = Optional.of(checkedOut.isPresent()
            ? mergeIntoCheckedOut(m, checkedOut.get().path(), targetBranch)
            : mergeInTemporaryWorktree(m, targetBranch));
      }
      LOG.info("merged mission {} into {}: lanes {}, target {}", m.handle(), targetBranch, merged, targetCommit);
      return new MergeReport(m, targetBranch, merged, coordTip, targetCommit);
    } finally {
      turn.close();
    }
  }

  private void writeMarker(Mission m, int lane) {
    try {
      AtomicFiles.write(stateDir(m).resolve("lane-" + lane + ".merged"),
          config.clock().instant().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("cannot write the merge marker of lane {}: {}", lane, e.getMessage());
    }
  }

  /** Merges {@code source} into the branch checked out in {@code wt}; aborts on conflict. */
  private String mergeInto(Path wt, String source, String destination, String message) {
    String before = git.require(wt, "rev-parse", "HEAD").text();
    GitResult r = git.run(wt, "merge", "--no-ff", "--no-edit", "-m", message, source);
    if (!r.ok()) {
      abortMerge(wt, source, destination, r);
    }
    String after = git.require(wt, "rev-parse", "HEAD").text();
    if (after.equals(before)) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe() + "; the merge made no commit");
    }
    return after;
  }

  private void abortMerge(Path wt, String source, String destination, GitResult r) {
    List<String> conflicts = git.run(wt, "diff", "--name-only", "--diff-filter=U", "-z").nulSeparated();
    boolean inProgress = Files.exists(gitPath(wt, "MERGE_HEAD"));
    if (inProgress) {
      git.run(wt, "merge", "--abort");
    }
    if (!conflicts.isEmpty()) {
      throw new MergeConflictException(source, destination, conflicts);
    }
    GitErrorCode code = r.timedOut() ? GitErrorCode.GIT_TIMEOUT : GitErrorCode.COMMIT_REFUSED;
    throw new GitCoordinationException(code, "merging " + source + " into " + destination + " failed: "
        + r.describe() + "; nothing changed");
  }

  private String mergeIntoCheckedOut(Mission m, Path wt, String targetBranch) {
    String source = "refs/heads/" + m.branch();
    String message = "Merge mission " + m.handle() + " into " + targetBranch;
    GitResult r = git.run(wt, "merge", "--no-ff", "--no-commit", "-m", message, source);
    boolean inProgress = Files.exists(gitPath(wt, "MERGE_HEAD"));
    if (!r.ok() || !inProgress) {
      if (!r.ok()) {
        abortMerge(wt, source, targetBranch, r);
      }
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe() + " left no merge in progress in " + wt);
    }
    try {
      rematerialize(m, wt);
    } catch (RuntimeException | IOException e) {
      git.run(wt, "merge", "--abort");
      throw new GitCoordinationException(GitErrorCode.CORRUPT_STATE, "cannot materialize the merged status of "
          + m.handle() + ": " + e.getMessage() + "; the merge was aborted", e);
    }
    GitResult c = git.run(wt, "commit", "-q", "--no-edit");
    if (!c.ok()) {
      git.run(wt, "merge", "--abort");
      throw new GitCoordinationException(c.timedOut() ? GitErrorCode.GIT_TIMEOUT : GitErrorCode.COMMIT_REFUSED,
          "the merge commit on " + targetBranch + " was refused: " + c.describe() + "; the merge was aborted");
    }
    return git.require(wt, "rev-parse", "HEAD").text();
  }

  private String mergeInTemporaryWorktree(Mission m, String targetBranch) {
    String targetRef = "refs/heads/" + targetBranch;
    String old = resolve(targetRef).orElseThrow();
    Path tmp = root.resolve(WORKTREES_DIR).resolve(".merge-" + java.util.UUID.randomUUID());
    git.require(root, "worktree", "add", "--detach", tmp.toString(), old);
    try {
      String merged = mergeIntoCheckedOut(m, tmp, targetBranch);
      GitResult cas = git.run(root, "update-ref", "-m", "backlog merge " + m.handle(), targetRef, merged, old);
      if (!cas.ok()) {
        throw new GitCoordinationException(GitErrorCode.REF_MOVED, "target " + targetBranch + " moved from "
            + old + " during the merge; nothing was changed; merge again");
      }
      return merged;
    } finally {
      git.run(root, "worktree", "remove", "--force", tmp.toString());
      git.run(root, "worktree", "prune");
    }
  }

  private void rematerialize(Mission m, Path wt) throws IOException {
    Path log = wt.resolve(m.eventLogPath());
    if (!Files.exists(log)) {
      return;
    }
    byte[] status = EventLogCodec.render(StatusReducer.reduce(m, EventLogCodec.parse(Files.readAllBytes(log))));
    AtomicFiles.write(wt.resolve(m.statusPath()), status);
    git.require(wt, "--literal-pathspecs", "add", "--", m.statusPath());
  }

  // ---------------------------------------------------------------- cleanup, doctor, recovery

  /**
   * Removes lanes merged into the coordination branch at least {@code grace} ago, each in the
   * order worktree → prune → branch (compare-and-swap delete); dirty lanes are kept.
   */
  public CleanupReport cleanup(Mission m, Duration grace) {
    requireMission(m);
    List<Integer> removed = new ArrayList<>();
    Map<Integer, String> kept = new LinkedHashMap<>();
    Instant now = config.clock().instant();
    LockManager.Held held = locks.acquire(lockFile(m), config.lockTimeout());
    try {
      for (Lane lane : lanes(m)) {
        if (!isAncestor("refs/heads/" + lane.branch(), "refs/heads/" + m.branch())) {
          kept.put(lane.number(), "not merged into " + m.branch());
          continue;
        }
        Optional<Instant> mergedAt = marker(m, lane.number());
        if (mergedAt.isEmpty() || mergedAt.get().plus(grace).isAfter(now)) {
          kept.put(lane.number(), mergedAt.map(t -> "merged at " + t + ", within the grace period of " + grace)
              .orElse("no merge recorded by 'coord merge'"));
          continue;
        }
        if (Files.isDirectory(lane.worktree()) && dirty(lane.worktree())) {
          kept.put(lane.number(), "worktree " + lane.worktree() + " has uncommitted changes");
          continue;
        }
        removeWorktreeAndBranch(lane, false);
        removed.add(lane.number());
      }
    } finally {
      held.close();
    }
    return new CleanupReport(removed, kept);
  }

  private Optional<Instant> marker(Mission m, int lane) {
    Path f = stateDir(m).resolve("lane-" + lane + ".merged");
    try {
      return Files.exists(f) ? Optional.of(Instant.parse(Files.readString(f, StandardCharsets.UTF_8).strip()))
          : Optional.empty();
    } catch (IOException | java.time.DateTimeException e) {
      LOG.warn("merge marker {} is damaged; treating lane {} as merged now", f, lane);
      writeMarker(m, lane);
      return Optional.of(config.clock().instant());
    }
  }

  /** Checks git, the merge drivers, each mission's attributes, lanes' sparse checkout and pending journals. */
  public DoctorReport doctor() {
    List<DoctorReport.Finding> f = new ArrayList<>();
    f.add(new DoctorReport.Finding("git-version", true, "git " + version + " (minimum " + GitVersion.MINIMUM + ")"));
    GitResult driver = git.run(root, "config", "--get", "merge." + EVENTS_DRIVER + ".driver");
    f.add(driver.ok() && !driver.text().isBlank()
        ? new DoctorReport.Finding("merge-driver", true, "merge." + EVENTS_DRIVER + ".driver is " + driver.text())
        : new DoctorReport.Finding("merge-driver", false, "merge driver merge." + EVENTS_DRIVER + ".driver is not"
            + " configured, so merging event logs can conflict; run 'backlog coord init'"));
    GitResult statusDriver = git.run(root, "config", "--get", "merge." + STATUS_DRIVER + ".driver");
    f.add(new DoctorReport.Finding("status-driver", statusDriver.ok(), statusDriver.ok()
        ? "merge." + STATUS_DRIVER + ".driver is configured"
        : "merge." + STATUS_DRIVER + ".driver is not configured; run 'backlog coord init'"));
    boolean stale = Worktrees.list(git, root, version.atLeast(new GitVersion(2, 36, 0))).stream()
        .anyMatch(Worktrees.Entry::prunable);
    f.add(new DoctorReport.Finding("worktree-registrations", !stale, stale
        ? "some worktree registrations point to missing directories; run 'git worktree prune'"
        : "every registered worktree exists"));
    for (Mission m : missions()) {
      GitResult attr = git.run(root, "cat-file", "-e", "refs/heads/" + m.branch() + ":" + m.dataDir() + "/.gitattributes");
      f.add(new DoctorReport.Finding("attributes:" + m.handle(), attr.ok(), attr.ok()
          ? m.dataDir() + "/.gitattributes routes the status files to the merge drivers"
          : m.dataDir() + "/.gitattributes is missing on " + m.branch() + "; run 'backlog coord init --mission "
              + m.handle() + "'"));
      boolean pending = Files.exists(journalFile(m));
      f.add(new DoctorReport.Finding("journal:" + m.handle(), !pending, pending
          ? "an unfinished bookkeeping transaction awaits recovery; the next 'coord record' recovers it"
          : "no unfinished bookkeeping transaction"));
      for (Lane lane : lanes(m)) {
        if (!Files.isDirectory(lane.worktree())) {
          continue;
        }
        boolean sparseOk = Files.notExists(lane.worktree().resolve(m.eventLogPath()))
            && Files.notExists(lane.worktree().resolve(m.statusPath()));
        f.add(new DoctorReport.Finding("sparse:" + m.handle() + ":lane-" + lane.number(), sparseOk, sparseOk
            ? "lane " + lane.number() + " leaves the status files out"
            : "lane " + lane.number() + " has the status files checked out; re-create the lane with"
                + " 'backlog coord lane remove' and 'lane add'"));
      }
    }
    return new DoctorReport(f);
  }

  /** The state of the mission's worktrees and branches for recovery after a crash. */
  public RecoveryReport recoveryReport(Mission m) {
    List<RecoveryReport.WorktreeState> out = new ArrayList<>();
    out.add(state("coordination", m.branch(), coordinationWorktree(m), m.branch()));
    for (Lane lane : lanes(m)) {
      out.add(state("lane-" + lane.number(), lane.branch(), lane.worktree(), m.branch()));
    }
    return new RecoveryReport(m, Files.exists(journalFile(m)), out);
  }

  private RecoveryReport.WorktreeState state(String name, String branch, Path path, String coordination) {
    boolean present = Files.isDirectory(path);
    boolean registered = isRegistered(path);
    boolean branchPresent = resolve("refs/heads/" + branch).isPresent();
    boolean merging = present && registered && Files.exists(gitPath(path, "MERGE_HEAD"));
    boolean rebasing = present && registered && (Files.exists(gitPath(path, "rebase-merge"))
        || Files.exists(gitPath(path, "rebase-apply")));
    boolean dirty = present && registered && dirty(path);
    int ahead = 0;
    int behind = 0;
    if (branchPresent && !branch.equals(coordination)) {
      GitResult counts = git.run(root, "rev-list", "--left-right", "--count",
          "refs/heads/" + branch + "...refs/heads/" + coordination);
      if (counts.ok()) {
        String[] p = counts.text().strip().split("\\s+");
        ahead = Integer.parseInt(p[0]);
        behind = Integer.parseInt(p[1]);
      }
    }
    return new RecoveryReport.WorktreeState(name, branch, path, present, registered, branchPresent, merging,
        rebasing, dirty, ahead, behind);
  }

  // ---------------------------------------------------------------- git helpers

  Optional<String> resolve(String ref) {
    GitResult r = git.run(root, "rev-parse", "--verify", "-q", ref + "^{commit}");
    return r.ok() ? Optional.of(r.text()) : Optional.empty();
  }

  boolean isAncestor(String a, String b) {
    GitResult r = git.run(root, "merge-base", "--is-ancestor", a, b);
    if (r.exitCode() == 0) {
      return true;
    }
    if (r.exitCode() == 1) {
      return false;
    }
    throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe());
  }

  boolean dirty(Path wt, String... paths) {
    List<String> args = new ArrayList<>(List.of("--literal-pathspecs", "status", "--porcelain", "-z",
        "--untracked-files=no"));
    if (paths.length > 0) {
      args.add("--");
      args.addAll(List.of(paths));
    }
    return git.require(wt, args).stdout().length > 0;
  }

  private Path gitPath(Path wt, String name) {
    GitResult r = git.run(wt, "rev-parse", "--absolute-git-dir");
    if (!r.ok()) {
      return wt.resolve(".git").resolve(name);
    }
    Path gitDir = Path.of(r.text());
    return gitDir.resolve(name);
  }

  private List<Worktrees.Entry> worktrees() {
    return Worktrees.list(git, root, version.atLeast(new GitVersion(2, 36, 0)));
  }

  private boolean isRegistered(Path path) {
    Path want = path.toAbsolutePath().normalize();
    return worktrees().stream().anyMatch(e -> e.path().toAbsolutePath().normalize().equals(want));
  }

  private Optional<Worktrees.Entry> worktreeOf(String ref) {
    return worktrees().stream().filter(e -> e.branch().map(ref::equals).orElse(false)).findFirst();
  }

  /**
   * Makes sure {@code branch} is checked out at {@code path}: stale registrations are pruned
   * first; an existing healthy worktree is reused; a leftover non-empty directory is refused.
   * With {@code sparseExcludes}, the worktree gets a per-worktree non-cone sparse checkout that
   * leaves those paths out.
   */
  Path ensureWorktree(Path path, String branch, List<String> sparseExcludes) {
    git.require(root, "worktree", "prune");
    String ref = "refs/heads/" + branch;
    Optional<Worktrees.Entry> existing = worktreeOf(ref);
    Path want = path.toAbsolutePath().normalize();
    if (existing.isPresent()) {
      if (existing.get().path().toAbsolutePath().normalize().equals(want)) {
        return want;
      }
      throw new GitCoordinationException(GitErrorCode.DIRTY_WORKTREE, "branch " + branch + " is checked out in "
          + existing.get().path() + ", not in " + want + "; remove that worktree ('git worktree remove') and retry");
    }
    try {
      if (Files.isDirectory(want)) {
        try (var s = Files.list(want)) {
          if (s.findAny().isPresent()) {
            throw new GitCoordinationException(GitErrorCode.DIRTY_WORKTREE, "directory " + want + " exists and is"
                + " not a worktree of " + branch + "; move it away and retry");
          }
        }
      }
      Files.createDirectories(want.getParent());
    } catch (IOException e) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, "cannot prepare " + want + ": " + e.getMessage(), e);
    }
    if (sparseExcludes.isEmpty()) {
      git.require(root, "worktree", "add", want.toString(), branch);
      return want;
    }
    git.require(root, "worktree", "add", "--no-checkout", want.toString(), branch);
    git.require(root, "config", "--local", "extensions.worktreeConfig", "true");
    git.require(want, "config", "--worktree", "core.sparseCheckout", "true");
    git.require(want, "config", "--worktree", "core.sparseCheckoutCone", "false");
    Path gitDir = Path.of(git.require(want, "rev-parse", "--absolute-git-dir").text());
    StringBuilder patterns = new StringBuilder("/*\n");
    for (String p : sparseExcludes) {
      patterns.append('!').append(p).append('\n');
    }
    try {
      AtomicFiles.write(gitDir.resolve("info").resolve("sparse-checkout"),
          patterns.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, "cannot write the sparse-checkout patterns of "
          + want + ": " + e.getMessage(), e);
    }
    git.require(want, "read-tree", "-mu", "HEAD");
    return want;
  }

  /** Nothing to release beyond what each operation releases itself; present for host lifecycles. */
  @Override
  public void close() {
    LOG.debug("coordinator for {} closed", root);
  }
}
