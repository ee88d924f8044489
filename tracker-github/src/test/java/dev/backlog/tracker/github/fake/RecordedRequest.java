package dev.backlog.tracker.github.fake;

import java.util.Objects;

/**
 * One request the fake answered: method, raw path and query, and the status it answered with
 * ({@code 0} when the connection was dropped without a response). Immutable, thread-safe.
 */
public record RecordedRequest(String method, String pathAndQuery, int status) {
  /** Validates that method and path are present. */
  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
  }
}
