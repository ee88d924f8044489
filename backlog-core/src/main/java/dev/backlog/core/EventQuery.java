package dev.backlog.core;

/**
 * A page of the event stream: events with {@code seq > afterSeq}, optionally of one card, in {@code
 * seq} order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param afterSeq return events after this position (0 for the start)
 * @param cardId only events of this card, or null for all
 * @param limit the most events to return, 1 to {@value #MAX_LIMIT}
 */
public record EventQuery(long afterSeq, CardId cardId, int limit) {

  /** The largest page. */
  public static final int MAX_LIMIT = 100_000;

  /** Validates the bounds. */
  public EventQuery {
    java.util.List<Violation> problems = new java.util.ArrayList<>();
    if (afterSeq < 0) {
      problems.add(
          new Violation(
              "after", "after " + afterSeq + " is negative; use 0 for the start of the stream"));
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      problems.add(
          new Violation("limit", "limit " + limit + " is out of range; use 1 to " + MAX_LIMIT));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }

  /** A page of all events after the given position. */
  public static EventQuery after(long afterSeq, int limit) {
    return new EventQuery(afterSeq, null, limit);
  }
}
