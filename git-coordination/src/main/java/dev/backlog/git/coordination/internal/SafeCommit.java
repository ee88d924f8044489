package dev.backlog.git.coordination.internal;

import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The safe commit: commits exactly the given paths onto the branch checked out in a worktree and
 * checks afterwards that nothing else happened.
 *
 * <p>Thread-safe: holds no state of its own; git compares and swaps the branch tip.
 */
public final class SafeCommit {

  private final Repository repo;
  private final GitRunner git;
  private final Path root;

  /** Commits in {@code repo}. */
  public SafeCommit(Repository repo) {
    this.repo = repo;
    this.git = repo.git();
    this.root = repo.root();
  }

  /**
   * Commits exactly {@code paths} (relative to the worktree root) in {@code wt} onto {@code
   * destinationRef}: refused for protected branches and when the worktree's HEAD is not that
   * branch; afterwards asserts that the commit landed on it, with the old tip as parent, and
   * touched only the given paths. With {@code knownTip} (the caller holds the mission lock and
   * knows the tracked paths changed) the change probe and the staging step are skipped.
   *
   * @return the new commit, or empty when the paths had no changes
   */
  public Optional<String> commitPaths(
      Path wt,
      String destinationRef,
      List<String> paths,
      String message,
      Consumer<ProcessHandle> onStart,
      Optional<String> knownTip) {
    String branch =
        destinationRef.startsWith("refs/heads/") ? destinationRef.substring(11) : destinationRef;
    if (repo.config().protectedBranches().contains(branch)) {
      throw new GitCoordinationException(
          GitErrorCode.PROTECTED_BRANCH,
          "refusing to commit to protected branch '"
              + branch
              + "'; bookkeeping goes to a mission's coordination branch");
    }
    if (paths.isEmpty()) {
      throw InvalidInputException.of("paths", "no paths to commit; name the files to commit");
    }
    String ref = "refs/heads/" + branch;
    GitResult head = git.run(wt, "symbolic-ref", "-q", "HEAD");
    if (!head.ok() || !head.text().equals(ref)) {
      throw new GitCoordinationException(
          GitErrorCode.WRONG_DESTINATION,
          "worktree "
              + wt
              + " has "
              + (head.ok() ? head.text() : "a detached HEAD")
              + " checked out, not "
              + ref
              + "; commit from the worktree of "
              + branch);
    }
    Optional<String> before = knownTip.isPresent() ? knownTip : repo.resolve(ref);
    if (knownTip.isEmpty()) {
      List<String> statusArgs =
          new ArrayList<>(
              List.of(
                  "--literal-pathspecs",
                  "status",
                  "--porcelain",
                  "-z",
                  "--untracked-files=all",
                  "--"));
      statusArgs.addAll(paths);
      if (git.require(wt, statusArgs).stdout().length == 0) {
        return Optional.empty();
      }
      List<String> add = new ArrayList<>(List.of("--literal-pathspecs", "add", "-A", "--"));
      add.addAll(paths);
      git.require(wt, add);
    }
    List<String> commit =
        new ArrayList<>(
            List.of("--literal-pathspecs", "commit", "-q", "-m", message, "--only", "--"));
    commit.addAll(paths);
    GitResult r = git.run(wt, onStart, commit);
    Optional<String> after = repo.resolve(ref);
    if (after.equals(before)) {
      if (r.timedOut()) {
        repo.removeStaleLocks(wt, branch);
      }
      GitErrorCode code = r.timedOut() ? GitErrorCode.GIT_TIMEOUT : GitErrorCode.COMMIT_REFUSED;
      throw new GitCoordinationException(
          code,
          "the commit to "
              + branch
              + " was refused: "
              + r.describe()
              + "; the branch did not move; fix what the hook reports and retry");
    }
    String now = after.orElseThrow();
    GitResult headAfter = git.run(wt, "symbolic-ref", "-q", "HEAD");
    List<String> parents =
        List.of(git.require(root, "rev-list", "--parents", "-n", "1", now).text().split(" "));
    List<String> changed =
        git.require(root, "diff-tree", "-z", "-r", "--no-commit-id", "--name-only", "--root", now)
            .nulSeparated();
    Set<String> allowed = new HashSet<>(paths);
    boolean parentOk =
        before
            .map(b -> parents.size() == 2 && parents.get(1).equals(b))
            .orElse(parents.size() == 1);
    if (!headAfter.ok()
        || !headAfter.text().equals(ref)
        || !parentOk
        || !allowed.containsAll(changed)) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED,
          "commit "
              + now
              + " on "
              + branch
              + " broke the safe-commit contract (HEAD "
              + headAfter.text()
              + ", parents "
              + parents
              + ", paths "
              + changed
              + ", expected parent "
              + before.orElse("none")
              + " and paths "
              + paths
              + "); inspect the branch");
    }
    return Optional.of(now);
  }
}
