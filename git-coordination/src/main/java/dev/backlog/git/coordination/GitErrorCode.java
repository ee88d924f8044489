package dev.backlog.git.coordination;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/** The error codes raised by git coordination. */
public enum GitErrorCode implements ErrorCode {
  /** git cannot be started. */
  GIT_UNAVAILABLE(ErrorCategory.UNAVAILABLE),
  /** git is older than the supported minimum. */
  GIT_TOO_OLD(ErrorCategory.UNAVAILABLE),
  /** A git call failed in a way no probe explains. */
  GIT_FAILED(ErrorCategory.UNEXPECTED),
  /** A git call ran longer than its timeout and was killed with its descendants. */
  GIT_TIMEOUT(ErrorCategory.UNAVAILABLE),
  /** The directory is not inside a git repository. */
  NOT_A_REPOSITORY(ErrorCategory.INVALID_INPUT),
  /** A commit or ref update aimed at a protected branch. */
  PROTECTED_BRANCH(ErrorCategory.CONFLICT),
  /** The worktree's HEAD is not the branch the commit was meant for. */
  WRONG_DESTINATION(ErrorCategory.CONFLICT),
  /** git refused the commit (a hook, nothing to commit, a failed write); nothing was changed. */
  COMMIT_REFUSED(ErrorCategory.CONFLICT),
  /** A lease token older than the card's current one. */
  STALE_LEASE(ErrorCategory.CONFLICT),
  /** A compare-and-swap ref update lost: the ref was not at the expected commit. */
  REF_MOVED(ErrorCategory.CONFLICT),
  /** A worktree has uncommitted changes where a clean one is required. */
  DIRTY_WORKTREE(ErrorCategory.CONFLICT),
  /** A merge produced conflicts; it was aborted and nothing changed. */
  MERGE_CONFLICT(ErrorCategory.CONFLICT),
  /** No coordination branch for the named mission. */
  MISSION_NOT_FOUND(ErrorCategory.NOT_FOUND),
  /** No lane with the given number. */
  LANE_NOT_FOUND(ErrorCategory.NOT_FOUND),
  /** The coordination lock could not be taken in time. */
  LOCK_TIMEOUT(ErrorCategory.UNAVAILABLE),
  /** A state file (journal, event log) could not be read. */
  CORRUPT_STATE(ErrorCategory.UNEXPECTED);

  private final ErrorCategory category;

  GitErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
