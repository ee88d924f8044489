package dev.backlog.tracker.github.fake;

import java.util.Objects;

/**
 * A snapshot of one issue comment held by the fake: REST id, body and author login. Immutable,
 * thread-safe.
 */
public record FakeComment(long id, String body, String login) {
  /** Validates that body and login are present. */
  public FakeComment {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(login, "login");
  }
}
