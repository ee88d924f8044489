package dev.backlog.tracker.github.fake;

import java.util.Objects;

/**
 * A Projects v2 board held by the fake: its owner's login, whether the owner is an organization,
 * its number within the owner, and its GraphQL node id. Immutable, thread-safe.
 */
public record Project(String ownerLogin, boolean organization, int number, String nodeId) {
  /** Validates that every part is present. */
  public Project {
    Objects.requireNonNull(ownerLogin, "ownerLogin");
    Objects.requireNonNull(nodeId, "nodeId");
    if (number <= 0) {
      throw new IllegalArgumentException("project number must be positive, was " + number);
    }
  }
}
