package dev.backlog.git.coordination;

import dev.backlog.core.BacklogException;

/** A git coordination failure; {@link #code()} is a {@link GitErrorCode}. */
public class GitCoordinationException extends BacklogException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what was wrong and what to do. */
  public GitCoordinationException(GitErrorCode code, String message) {
    super(code, message);
  }

  /** Creates the exception with its cause. */
  public GitCoordinationException(GitErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
