package dev.backlog.tracker;

import java.util.Objects;

/**
 * A tracker provider that was registered but could not be used: its class is missing or failed to
 * load, its factory failed, it speaks another SPI version, or its id is taken.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the provider's class name (or id, when the class loaded)
 * @param message what went wrong and what to do
 */
public record ProviderProblem(String name, String message) {

  /** Checks the parts. */
  public ProviderProblem {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return name + ": " + message;
  }
}
