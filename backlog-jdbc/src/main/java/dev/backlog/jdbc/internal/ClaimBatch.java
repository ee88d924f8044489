package dev.backlog.jdbc.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.spi.EventData;
import dev.backlog.core.spi.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A coalesced batch of claims ({@link JdbcTransaction#claimEach}): consecutive requests that share
 * a filter (the same phase or none, no card id) are claimed together in one statement when the
 * dialect has one ({@link SqlDialect#claimEach}); a request naming a card, or one whose neighbours
 * filter differently, is claimed on its own. Taking runs in queue order keeps the result of
 * claiming one request after the other: the same cards, tokens and events, in the same order.
 *
 * <p>Not thread-safe: belongs to one {@link JdbcTransaction}.
 */
final class ClaimBatch {

  private final Session s;
  private final SqlDialect dialect;
  private final JdbcTransaction tx;

  ClaimBatch(Session s, SqlDialect dialect, JdbcTransaction tx) {
    this.s = s;
    this.dialect = dialect;
    this.tx = tx;
  }

  List<Outcome<List<Claim>>> claimEach(List<ClaimRequest> requests) {
    List<Outcome<List<Claim>>> outcomes = new ArrayList<>(requests.size());
    if (!oneStatement(requests)) {
      s.severalStatements();
    }
    int from = 0;
    while (from < requests.size()) {
      int to = from + 1;
      if (groupable(requests.get(from))) {
        while (to < requests.size() && sameFilter(requests.get(from), requests.get(to))) {
          to++;
        }
      }
      List<ClaimRequest> run = requests.subList(from, to);
      boolean inline = dialect.writesEventsInline(s);
      List<SqlDialect.Claimed> together = run.size() > 1 ? dialect.claimEach(s, run, inline) : null;
      if (together == null) {
        for (ClaimRequest request : run) {
          outcomes.add(alone(request));
        }
      } else {
        record(run, together, inline, outcomes);
      }
      from = to;
    }
    return outcomes;
  }

  /** Whether the batch is claimed in one statement: one request, or one run claimed together. */
  private boolean oneStatement(List<ClaimRequest> requests) {
    if (requests.size() == 1) {
      return true;
    }
    ClaimRequest first = requests.get(0);
    if (!groupable(first)) {
      return false;
    }
    for (ClaimRequest next : requests.subList(1, requests.size())) {
      if (!sameFilter(first, next)) {
        return false;
      }
    }
    return true;
  }

  private static boolean groupable(ClaimRequest r) {
    return r.cardId() == null;
  }

  private static boolean sameFilter(ClaimRequest first, ClaimRequest next) {
    return groupable(next) && Objects.equals(first.phase(), next.phase());
  }

  /** One request claimed as {@link JdbcTransaction#claim} does; a refusal is its outcome. */
  private Outcome<List<Claim>> alone(ClaimRequest request) {
    try {
      return Outcome.of(tx.claim(request));
    } catch (RuntimeException e) {
      if (!Outcome.isRefusal(e)) {
        throw e;
      }
      return Outcome.refused((BacklogException) e);
    }
  }

  /**
   * Takes what one statement claimed for a run: events it wrote are checked to follow claim order
   * across the whole run (queue order, then claim order within a request), others are buffered in
   * that order with their status counts, as {@link JdbcTransaction#claim} does for one request.
   */
  private void record(
      List<ClaimRequest> run,
      List<SqlDialect.Claimed> together,
      boolean inline,
      List<Outcome<List<Claim>>> outcomes) {
    long lastSeq = Long.MIN_VALUE;
    long lastToken = Long.MIN_VALUE;
    for (int i = 0; i < run.size(); i++) {
      SqlDialect.Claimed claimed = together.get(i);
      List<Card> cards = new ArrayList<>(claimed.cards());
      cards.sort(Card.CLAIM_ORDER);
      List<Claim> claims = new ArrayList<>(cards.size());
      for (Card card : cards) {
        long token = card.lease().token().value();
        if (token <= lastToken) {
          throw new IllegalStateException(
              "the batched claim's tokens do not follow queue and claim order: " + card.id());
        }
        lastToken = token;
        lastSeq =
            recordClaimed(s, claimed, card, inline, lastSeq, "the batched claim (in queue order)");
        claims.add(new Claim(card, card.lease()));
      }
      outcomes.add(Outcome.of(List.copyOf(claims)));
    }
  }

  /**
   * Records one card a claim statement claimed, in claim order: the {@code claimed} event and
   * status counts the statement wrote when {@code inline} (its seq must follow {@code lastSeq}, as
   * buffered events are numbered in claim order), else buffers them. Returns the seq the next
   * card's event must follow.
   *
   * @param statement the statement in words, for the error when its events are out of order
   */
  static long recordClaimed(
      Session s,
      SqlDialect.Claimed claimed,
      Card card,
      boolean inline,
      long lastSeq,
      String statement) {
    if (!inline) {
      s.count(CardStatus.READY, card.phase(), -1);
      s.count(CardStatus.CLAIMED, card.phase(), 1);
      s.event(
          card,
          EventType.CLAIMED,
          card.lease().owner(),
          card.lease().token(),
          EventData.claimed(card));
      return lastSeq;
    }
    Event event = claimed.events().get(card.id());
    if (event == null || event.seq() <= lastSeq) {
      throw new IllegalStateException(
          statement + "'s events do not follow claim order: " + card.id());
    }
    s.written(event);
    return event.seq();
  }
}
