package dev.backlog.git.coordination.internal;

import static dev.backlog.git.coordination.Coordinator.WORKTREES_DIR;

import dev.backlog.git.coordination.CoordinationConfig;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import dev.backlog.git.coordination.Mission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened repository as the coordination operations share it: the git runner, the main worktree
 * and common directory, where a mission's worktrees and state files live, the git queries every
 * operation needs, and worktree set-up.
 *
 * <p>Thread-safe: immutable apart from the lock manager, which is thread-safe.
 */
public final class Repository {

  // Logs under the facade's name so that host logging configuration keeps applying.
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final CoordinationConfig config;
  private final GitRunner git;
  private final GitVersion version;
  private final Path root;
  private final Path commonDir;
  private final LockManager locks = new LockManager();

  /** Wraps a repository whose main worktree is {@code root}. */
  public Repository(
      CoordinationConfig config, GitRunner git, GitVersion version, Path root, Path commonDir) {
    this.config = config;
    this.git = git;
    this.version = version;
    this.root = root;
    this.commonDir = commonDir;
  }

  /** The settings. */
  public CoordinationConfig config() {
    return config;
  }

  /** The git runner. */
  public GitRunner git() {
    return git;
  }

  /** The git version found at open. */
  public GitVersion version() {
    return version;
  }

  /** The main worktree's directory. */
  public Path root() {
    return root;
  }

  /** The git common directory (shared by all worktrees). */
  public Path commonDir() {
    return commonDir;
  }

  /** The in-JVM and file locks. */
  public LockManager locks() {
    return locks;
  }

  // ---------------------------------------------------------------- layout

  /** The coordination worktree of a mission: {@code .worktrees/<slug>-<id8>-coord/}. */
  public Path coordinationWorktree(Mission m) {
    return root.resolve(WORKTREES_DIR).resolve(m.handle() + "-coord");
  }

  /** The worktree of a lane: {@code .worktrees/<slug>-<id8>-lane-<n>/}. */
  public Path laneWorktree(Mission m, int n) {
    return root.resolve(WORKTREES_DIR).resolve(m.handle() + "-lane-" + n);
  }

  /** The mission's state directory under the git common directory. */
  public Path stateDir(Mission m) {
    return commonDir.resolve("backlog").resolve(m.handle());
  }

  /** The file lock that serializes bookkeeping on the mission. */
  public Path lockFile(Mission m) {
    return stateDir(m).resolve("bookkeeping.lock");
  }

  /** The intent journal of the mission's unfinished bookkeeping transaction. */
  public Path journalFile(Mission m) {
    return stateDir(m).resolve("journal.json");
  }

  /** Takes the mission lock, waiting at most the configured lock timeout. */
  public LockManager.Held lock(Mission m) {
    return locks.acquire(lockFile(m), config.lockTimeout());
  }

  // ---------------------------------------------------------------- git queries

  /** The commit {@code ref} names, or empty when it names none. */
  public Optional<String> resolve(String ref) {
    GitResult r = git.run(root, "rev-parse", "--verify", "-q", ref + "^{commit}");
    return r.ok() ? Optional.of(r.text()) : Optional.empty();
  }

  /** Whether {@code a} is an ancestor of (or equal to) {@code b}. */
  public boolean isAncestor(String a, String b) {
    GitResult r = git.run(root, "merge-base", "--is-ancestor", a, b);
    if (r.exitCode() == 0) {
      return true;
    }
    if (r.exitCode() == 1) {
      return false;
    }
    throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe());
  }

  /** Whether tracked files in {@code wt} (or just {@code paths}) have uncommitted changes. */
  public boolean dirty(Path wt, String... paths) {
    List<String> args =
        new ArrayList<>(
            List.of("--literal-pathspecs", "status", "--porcelain", "-z", "--untracked-files=no"));
    if (paths.length > 0) {
      args.add("--");
      args.addAll(List.of(paths));
    }
    return git.require(wt, args).stdout().length > 0;
  }

  /** A file in the git directory of worktree {@code wt}. */
  public Path gitPath(Path wt, String name) {
    GitResult r = git.run(wt, "rev-parse", "--absolute-git-dir");
    if (!r.ok()) {
      return wt.resolve(".git").resolve(name);
    }
    Path gitDir = Path.of(r.text());
    return gitDir.resolve(name);
  }

  /** The registered worktrees; the main worktree is first. */
  public List<Worktrees.Entry> worktrees() {
    return Worktrees.list(git, root, version.atLeast(new GitVersion(2, 36, 0)));
  }

  /** Whether {@code path} is a registered worktree. */
  public boolean isRegistered(Path path) {
    Path want = path.toAbsolutePath().normalize();
    return worktrees().stream().anyMatch(e -> e.path().toAbsolutePath().normalize().equals(want));
  }

  /** The worktree that has {@code ref} checked out. */
  public Optional<Worktrees.Entry> worktreeOf(String ref) {
    return worktrees().stream().filter(e -> e.branch().map(ref::equals).orElse(false)).findFirst();
  }

  /**
   * Deletes the index lock of {@code wt} and the ref lock of {@code branch} left by a killed git.
   */
  public void removeStaleLocks(Path wt, String branch) {
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

  // ---------------------------------------------------------------- worktree set-up

  /**
   * Makes sure {@code branch} is checked out at {@code path}: stale registrations are pruned first;
   * an existing healthy worktree is reused; a leftover non-empty directory is refused. With {@code
   * sparseExcludes}, the worktree gets a per-worktree non-cone sparse checkout that leaves those
   * paths out.
   */
  public Path ensureWorktree(Path path, String branch, List<String> sparseExcludes) {
    git.require(root, "worktree", "prune");
    String ref = "refs/heads/" + branch;
    Optional<Worktrees.Entry> existing = worktreeOf(ref);
    Path want = path.toAbsolutePath().normalize();
    if (existing.isPresent()) {
      if (existing.get().path().toAbsolutePath().normalize().equals(want)) {
        return want;
      }
      throw new GitCoordinationException(
          GitErrorCode.DIRTY_WORKTREE,
          "branch "
              + branch
              + " is checked out in "
              + existing.get().path()
              + ", not in "
              + want
              + "; remove that worktree ('git worktree remove') and retry");
    }
    try {
      if (Files.isDirectory(want)) {
        try (var s = Files.list(want)) {
          if (s.findAny().isPresent()) {
            throw new GitCoordinationException(
                GitErrorCode.DIRTY_WORKTREE,
                "directory "
                    + want
                    + " exists and is"
                    + " not a worktree of "
                    + branch
                    + "; move it away and retry");
          }
        }
      }
      Files.createDirectories(want.getParent());
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED, "cannot prepare " + want + ": " + e.getMessage(), e);
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
      AtomicFiles.write(
          gitDir.resolve("info").resolve("sparse-checkout"),
          patterns.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED,
          "cannot write the sparse-checkout patterns of " + want + ": " + e.getMessage(),
          e);
    }
    git.require(want, "read-tree", "-mu", "HEAD");
    return want;
  }
}
