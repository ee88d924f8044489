package dev.backlog.core;

import java.util.Objects;

/**
 * One problem with an input: the field it concerns and a message naming the value and the fix.
 *
 * @param field the input field, such as {@code title} or {@code ttl}
 * @param message what is wrong, with the value, and how to fix it
 */
public record Violation(String field, String message) {

  /** Checks both parts are present. */
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
