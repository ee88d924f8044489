package dev.backlog.server;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/**
 * Failures that only the HTTP server raises, each with the HTTP status it answers with. Every other
 * failure is a {@link dev.backlog.core.BacklogException} whose {@link ErrorCategory} decides the
 * status (docs/server.md, "Errors").
 */
public enum ServerErrorCode implements ErrorCode {
  /** The request has no bearer token, or a wrong one (401). */
  UNAUTHORIZED(ErrorCategory.REFUSED, 401),
  /** A write from a foreign {@code Origin}, or any request naming a foreign {@code Host} (403). */
  FORBIDDEN(ErrorCategory.REFUSED, 403),
  /** A write to a server started read-only (403). */
  READ_ONLY(ErrorCategory.REFUSED, 403),
  /** The request body is over the route's limit (413). */
  BODY_TOO_LARGE(ErrorCategory.INVALID_INPUT, 413),
  /** No route has this path (404). */
  NO_SUCH_ROUTE(ErrorCategory.NOT_FOUND, 404),
  /** The path exists but not with this method (405). */
  METHOD_NOT_ALLOWED(ErrorCategory.INVALID_INPUT, 405),
  /** A defect: the server failed in a way it did not expect (500); its log has the details. */
  INTERNAL(ErrorCategory.UNEXPECTED, 500),
  /** The server could not listen on the address and port it was given (503). */
  BIND_FAILED(ErrorCategory.UNAVAILABLE, 503),
  /** As many event streams are open as the server allows (503, with {@code Retry-After}). */
  TOO_MANY_STREAMS(ErrorCategory.UNAVAILABLE, 503),
  /** The server is stopping (503). */
  SHUTTING_DOWN(ErrorCategory.UNAVAILABLE, 503);

  private final ErrorCategory category;
  private final int httpStatus;

  ServerErrorCode(ErrorCategory category, int httpStatus) {
    this.category = category;
    this.httpStatus = httpStatus;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }

  /** The HTTP status this failure answers with. */
  public int httpStatus() {
    return httpStatus;
  }
}
