package dev.backlog.git.coordination;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The state of a mission's worktrees and branches, for an operator recovering from a crash.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mission the mission
 * @param journalPending whether an unfinished bookkeeping transaction awaits recovery
 * @param worktrees the coordination worktree first, then each lane
 */
public record RecoveryReport(
    Mission mission, boolean journalPending, List<WorktreeState> worktrees) {

  /** Copies the parts. */
  public RecoveryReport {
    Objects.requireNonNull(mission, "mission");
    worktrees = List.copyOf(worktrees);
  }

  /**
   * One worktree.
   *
   * @param name {@code coordination} or {@code lane-<n>}
   * @param branch the branch
   * @param path the worktree directory
   * @param worktreePresent whether the directory exists
   * @param registered whether git lists it as a worktree
   * @param branchPresent whether the branch exists
   * @param mergeInProgress whether a merge is in progress there
   * @param rebaseInProgress whether a rebase is in progress there
   * @param dirty whether tracked files have uncommitted changes
   * @param ahead commits on the branch not on the coordination branch (0 for the coordination
   *     worktree)
   * @param behind commits on the coordination branch not on the branch
   */
  public record WorktreeState(
      String name,
      String branch,
      Path path,
      boolean worktreePresent,
      boolean registered,
      boolean branchPresent,
      boolean mergeInProgress,
      boolean rebaseInProgress,
      boolean dirty,
      int ahead,
      int behind) {
    /** Validates the parts. */
    public WorktreeState {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(path, "path");
    }
  }
}
