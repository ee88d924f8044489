package dev.backlog.core.spi;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.core.Stats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operations of one open store transaction. Inputs arrive validated by {@link
 * dev.backlog.core.Backlog}. Every mutation appends its events (see {@link EventData}) in this
 * transaction, and a refused operation changes nothing. {@link Transitions} holds the status
 * machine every store must follow.
 *
 * <p>Used by one thread at a time, only while {@link BacklogStore#inTransaction} runs.
 */
public interface StoreTransaction {

  /** The store clock: the database clock for shared stores, the injected clock for tests. */
  Instant now();

  /** Reads a card. */
  Optional<Card> find(CardId id);

  /** Lists cards in claim order (priority desc, createdAt asc, id asc). */
  List<Card> list(CardQuery query);

  /**
   * Creates a card, ready or blocked. With an idempotency key already used: returns the existing
   * card when {@link NewCard#fingerprint()} matches, else raises {@link
   * dev.backlog.core.IdempotencyConflictException}. An existing id raises {@link
   * dev.backlog.core.DuplicateCardException}. Dependencies not existing yet are checked at commit
   * ({@link dev.backlog.core.UnknownDependencyException}); a dependency path back to the new card
   * raises {@link dev.backlog.core.DependencyCycleException}.
   */
  Card create(NewCard card, String actor);

  /**
   * Makes {@code from} depend on {@code to}. A repeated link changes nothing and writes no event.
   * Unknown {@code from}: {@link dev.backlog.core.CardNotFoundException}; unknown {@code to}:
   * {@link dev.backlog.core.UnknownDependencyException}; a self-link or a cycle: {@link
   * dev.backlog.core.DependencyCycleException}.
   */
  Card link(CardId from, CardId to, String actor);

  /** Removes the dependency; removing a missing edge changes nothing and writes no event. */
  Card unlink(CardId from, CardId to, String actor);

  /**
   * Claims up to {@code request.limit()} claimable cards in claim order, each with a new lease
   * whose token is greater than every token issued before. The actor is the owner. The request's
   * wait is handled by the caller. Claiming by id an unknown card raises {@link
   * dev.backlog.core.CardNotFoundException}; a card that is not claimable yields an empty list.
   */
  List<Claim> claim(ClaimRequest request);

  /** Extends a valid lease to now + ttl. */
  Card renew(CardId id, LeaseToken token, Duration ttl, String actor);

  /** Completes a card whose valid lease is presented. */
  Card complete(CardId id, LeaseToken token, String actor);

  /**
   * Completes the claims' cards, all or none, in the order given; the list holds each card once. A
   * claim whose lease does not hold (or whose card is gone) raises what {@link #complete} would,
   * and then nothing has changed. This default checks every lease first, then completes the cards
   * one by one; stores override it to do the work in fewer statements.
   */
  default List<Card> completeAll(List<Claim> claims, String actor) {
    Instant at = now();
    for (Claim claim : claims) {
      Card card =
          find(claim.card().id())
              .orElseThrow(() -> new dev.backlog.core.CardNotFoundException(claim.card().id()));
      Transitions.complete(card, claim.token(), at);
    }
    List<Card> done = new java.util.ArrayList<>(claims.size());
    for (Claim claim : claims) {
      done.add(complete(claim.card().id(), claim.token(), actor));
    }
    return List.copyOf(done);
  }

  /** Completes a ready, claimed or blocked card without a token, revoking any lease. */
  Card forceComplete(CardId id, String actor);

  /** Gives a claimed card back (ready), keeping its attempt count. */
  default Card release(CardId id, LeaseToken token, String actor) {
    return release(id, token, null, actor);
  }

  /**
   * Gives a claimed card back (ready), keeping its attempt count; the {@code released} event
   * records the reason ({@link EventData#released}).
   */
  Card release(CardId id, LeaseToken token, String reason, String actor);

  /** Reports failure: ready again, or blocked with the reason once attempts reached the limit. */
  Card fail(CardId id, LeaseToken token, String reason, int defaultMaxAttempts, String actor);

  /**
   * Takes back every lapsed lease (ready, or blocked at the attempt limit); returns the cards in id
   * order.
   */
  List<CardId> reclaimExpired(int defaultMaxAttempts, String actor);

  /**
   * Takes back the lease of one claimed card now, whether or not it lapsed; the card becomes ready.
   */
  Card reclaim(CardId id, String actor);

  /** Blocks a ready or claimed card, revoking its lease. */
  Card block(CardId id, String reason, String actor);

  /** Makes a blocked card ready again with its attempt count reset. */
  Card unblock(CardId id, String actor);

  /** Makes a done card ready again with its attempt count reset. */
  Card reopen(CardId id, String actor);

  /** Counts the backlog. */
  Stats stats();

  /**
   * The ids of the cards that depend directly on {@code id}, in id order. This default scans every
   * card; stores override it with an indexed lookup.
   */
  default List<CardId> dependents(CardId id) {
    return list(CardQuery.ALL).stream()
        .filter(c -> c.dependsOn().contains(id))
        .map(Card::id)
        .sorted()
        .toList();
  }

  // ------------------------------------------------------------------ added with scheduling
  // visibility: defaults keep older stores compiling; a store that does not override one refuses
  // the feature with UnsupportedOperationException, which the TCK reports.

  /**
   * Extends a valid lease to now + ttl and applies the holder's change of lease phase and
   * attributes ({@link Transitions#renew(Card, LeaseToken, Duration, LeaseChange, Instant)}); the
   * {@code renewed} event carries the resulting phase and attributes. The default handles an empty
   * change only.
   */
  default Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change, String actor) {
    if (change.isEmpty()) {
      return renew(id, token, ttl, actor);
    }
    throw unsupported("lease phase and attributes");
  }

  /**
   * Completes a card whose valid lease is presented, keeping {@code evidence} (a compact JSON
   * object, validated by the caller, or null) on the run and in the {@code completed} event. The
   * default handles null evidence only.
   */
  default Card complete(CardId id, LeaseToken token, String evidence, String actor) {
    if (evidence == null) {
      return complete(id, token, actor);
    }
    throw unsupported("completion evidence");
  }

  /**
   * The card's runs, oldest first: one per claim, the open one (the current lease) last. Every
   * transition that ends a lease ends its run with the outcome of {@link RunOutcome}. Unknown card:
   * {@link dev.backlog.core.CardNotFoundException}.
   */
  default List<Run> history(CardId id) {
    throw unsupported("attempt history");
  }

  /**
   * Defers a ready card: not claimable until {@code until} (after {@link #now()}; see {@link
   * Transitions#defer}). Writes a {@code deferred} event.
   */
  default Card defer(CardId id, Instant until, String actor) {
    throw unsupported("defer");
  }

  /**
   * Lifts a card's deferral now ({@code undeferred} event with {@code expired:false}); a card that
   * is not deferred is returned unchanged and no event is written.
   */
  default Card undefer(CardId id, String actor) {
    throw unsupported("undefer");
  }

  /**
   * Lifts every deferral whose time has come at {@link #now()} ({@code undeferred} event with
   * {@code expired:true} each); returns the cards in id order. Like lapsed leases, run-out
   * deferrals take effect when this sweep runs, which {@link dev.backlog.core.Backlog} does before
   * claims. The default finds none (a store without deferrals).
   */
  default List<CardId> wakeDeferred(String actor) {
    return List.of();
  }

  /**
   * Edits a card's descriptive fields ({@link Transitions#update}); refuses with {@link
   * dev.backlog.core.VersionConflictException} when {@code ifVersion} is given and differs. An
   * update that changes nothing writes no event.
   */
  default Card update(CardId id, CardUpdate update, Long ifVersion, String actor) {
    throw unsupported("update");
  }

  /**
   * The 1-based position of a claimable card in claim order among all claimable cards: how many
   * claimable cards come before it, plus one. The default counts a listing of the claimable cards;
   * stores override it with a count.
   */
  default long claimRank(Card card) {
    long rank = 1;
    for (Card c : list(new CardQuery(null, null, true, CardQuery.MAX_LIMIT))) {
      if (c.id().equals(card.id())) {
        return rank;
      }
      rank++;
    }
    return rank;
  }

  // ------------------------------------------------------------------ added with coalescing

  /**
   * Claims for several callers in this one transaction (a coalesced batch): one result per request,
   * in the order given, each honouring its own owner, TTL, phase, id filter, limit, lease phase and
   * attributes, as if the requests ran one after the other. A request that is refused (its card id
   * is unknown) gets its refusal as its outcome and the others go on; any other exception fails the
   * whole batch. This default runs {@link #claim} per request, relying on the rule that a refused
   * operation changes nothing; stores may override it to do the work in fewer statements, but must
   * decide refusals without failing the transaction.
   */
  default List<Outcome<List<Claim>>> claimEach(List<ClaimRequest> requests) {
    List<Outcome<List<Claim>>> outcomes = new java.util.ArrayList<>(requests.size());
    for (ClaimRequest request : requests) {
      try {
        outcomes.add(Outcome.of(claim(request)));
      } catch (RuntimeException e) {
        if (!Outcome.isRefusal(e)) {
          throw e;
        }
        outcomes.add(Outcome.refused((dev.backlog.core.BacklogException) e));
      }
    }
    return outcomes;
  }

  /**
   * Completes for several callers in this one transaction (a coalesced batch): one outcome per
   * completion, in the order given. A completion whose lease does not hold, whose card is not
   * claimed or is gone gets the exception {@link #complete} would raise as its outcome, and the
   * others commit; two completions of the same card behave as they would one after the other. Any
   * other exception fails the whole batch. This default runs {@link #complete} per item, relying on
   * the rule that a refused operation changes nothing; stores may override it, but must decide
   * refusals without failing the transaction.
   */
  default List<Outcome<Card>> completeEach(List<Completion> completions, String actor) {
    List<Outcome<Card>> outcomes = new java.util.ArrayList<>(completions.size());
    for (Completion c : completions) {
      try {
        outcomes.add(
            Outcome.of(
                c.evidence() == null
                    ? complete(c.id(), c.token(), actor)
                    : complete(c.id(), c.token(), c.evidence(), actor)));
      } catch (RuntimeException e) {
        if (!Outcome.isRefusal(e)) {
          throw e;
        }
        outcomes.add(Outcome.refused((dev.backlog.core.BacklogException) e));
      }
    }
    return outcomes;
  }

  private UnsupportedOperationException unsupported(String feature) {
    return new UnsupportedOperationException(
        getClass().getName()
            + " does not support "
            + feature
            + "; the store must implement StoreTransaction's scheduling operations");
  }

  /** Reads committed events (and this transaction's own) after a position. */
  List<Event> events(EventQuery query);

  /** The events this transaction appended so far, in order. */
  List<Event> writtenEvents();
}
