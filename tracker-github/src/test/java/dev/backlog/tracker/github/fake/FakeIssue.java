package dev.backlog.tracker.github.fake;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one issue held by the fake: number, GraphQL node id, title, body, state ({@code
 * open} or {@code closed}), label names and comments oldest first. Immutable, thread-safe.
 */
public record FakeIssue(
    int number,
    String nodeId,
    String title,
    String body,
    String state,
    List<String> labels,
    List<FakeComment> comments) {
  /** Validates the parts and copies the lists. */
  public FakeIssue {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
    if (!state.equals("open") && !state.equals("closed")) {
      throw new IllegalArgumentException("state must be open or closed, was " + state);
    }
    labels = List.copyOf(labels);
    comments = List.copyOf(comments);
  }
}
