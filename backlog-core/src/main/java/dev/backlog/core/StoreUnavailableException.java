package dev.backlog.core;

/**
 * The store cannot be reached or used right now (connection refused, pool exhausted, disk full).
 */
public final class StoreUnavailableException extends BacklogException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message must not contain secrets such as passwords. */
  public StoreUnavailableException(String message, Throwable cause) {
    super(CoreErrorCode.STORE_UNAVAILABLE, message, cause);
  }
}
