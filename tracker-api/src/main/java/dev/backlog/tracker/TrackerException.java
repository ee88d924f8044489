package dev.backlog.tracker;

import dev.backlog.core.BacklogException;
import dev.backlog.core.ErrorCode;

/**
 * The root of tracker failures; a {@link BacklogException}, so hosts map it to an exit code by its
 * category like any other backlog error.
 */
public class TrackerException extends BacklogException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a code and a message that says what was wrong and what to do. */
  public TrackerException(ErrorCode code, String message) {
    super(code, message);
  }

  /** Creates an exception with a code, a message and the underlying cause. */
  public TrackerException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
