package dev.backlog.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Filters for listing cards. Results come in claim order: priority descending, then creation time,
 * then id.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status only cards with this status, or null for all
 * @param phase only cards of this phase, or null for all
 * @param claimableOnly only ready cards whose dependencies are all done
 * @param limit the most cards to return, 1 to {@value #MAX_LIMIT}
 */
public record CardQuery(CardStatus status, String phase, boolean claimableOnly, int limit) {

  /** The most cards one listing returns. */
  public static final int MAX_LIMIT = 1_000_000;

  /** Every card, up to {@link #MAX_LIMIT}. */
  public static final CardQuery ALL = new CardQuery(null, null, false, MAX_LIMIT);

  /** Validates the limit and the phase. */
  public CardQuery {
    List<Violation> problems = new ArrayList<>();
    NewCard.checkPhase(problems, phase);
    if (limit < 1 || limit > MAX_LIMIT) {
      problems.add(
          new Violation("limit", "limit " + limit + " is out of range; use 1 to " + MAX_LIMIT));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }
}
