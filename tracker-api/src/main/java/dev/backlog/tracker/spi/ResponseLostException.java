package dev.backlog.tracker.spi;

/**
 * Thrown by an {@link OpExecutor} when a request may have reached the remote but its response was
 * lost (a dropped connection, a timeout after sending). The op becomes uncertain and is looked up
 * before any retry, so the write is never duplicated.
 */
public class ResponseLostException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with what happened. */
  public ResponseLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
