package dev.backlog.tracker.github.internal;

import java.util.Objects;

/**
 * A token held so that it cannot leak by accident: {@link #toString()} is a mask, and the value is
 * read only where a request header is built.
 *
 * <p>Immutable and thread-safe.
 */
public final class Secret {

  private final String value;
  private final String origin;

  /**
   * Wraps a secret.
   *
   * @param value the secret text
   * @param origin where it came from (such as {@code $GITHUB_TOKEN}), for messages
   */
  public Secret(String value, String origin) {
    this.value = Objects.requireNonNull(value, "value").strip();
    this.origin = Objects.requireNonNull(origin, "origin");
    if (this.value.isEmpty()) {
      throw new IllegalArgumentException("the token from " + origin + " is blank");
    }
  }

  /** The secret text; only for the Authorization header. */
  public String reveal() {
    return value;
  }

  /** Where the secret came from, for messages. */
  public String origin() {
    return origin;
  }

  /**
   * Removes every occurrence of the secret from a text (for error messages that echo remote
   * output).
   */
  public String scrub(String text) {
    return text == null ? null : text.replace(value, "***");
  }

  @Override
  public String toString() {
    return "***(token from " + origin + ")";
  }
}
