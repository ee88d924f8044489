package dev.backlog.core;

import java.util.Objects;

/**
 * The root of every failure the backlog raises. Unchecked; the {@link #code()} says what kind of
 * failure it is, and typed subclasses carry the data a caller needs to react.
 */
public class BacklogException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ErrorCode code;

  /** Creates an exception with a code and a message that says what was wrong and what to do. */
  public BacklogException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** Creates an exception with a code, a message and the underlying cause. */
  public BacklogException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** What kind of failure this is. */
  public ErrorCode code() {
    return code;
  }
}
