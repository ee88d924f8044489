package dev.backlog.tracker.spi;

import dev.backlog.tracker.TrackerErrorCode;
import dev.backlog.tracker.TrackerException;

/**
 * Thrown by an {@link OpExecutor} when a request may have reached the remote but its response was
 * lost (a dropped connection, a timeout after sending). The op becomes uncertain and is looked up
 * before any retry, so the write is never duplicated. A {@link TrackerException} with the code
 * {@link TrackerErrorCode#RESPONSE_LOST}, so a host that sees one escape treats it like any other
 * tracker failure; a catch site that must tell it apart catches it before {@code TrackerException}.
 */
public class ResponseLostException extends TrackerException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with what happened. */
  public ResponseLostException(String message, Throwable cause) {
    super(TrackerErrorCode.RESPONSE_LOST, message, cause);
  }
}
