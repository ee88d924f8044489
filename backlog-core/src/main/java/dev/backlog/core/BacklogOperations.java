package dev.backlog.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operations on a backlog, available both on {@link Backlog} (each call its own transaction)
 * and on {@link BacklogTransaction} (all calls in one transaction).
 */
public interface BacklogOperations {

  /** Reads a card. */
  Optional<Card> find(CardId id);

  /**
   * Reads a card that must exist.
   *
   * @throws CardNotFoundException when it does not
   */
  default Card get(CardId id) {
    return find(id).orElseThrow(() -> new CardNotFoundException(id));
  }

  /** Lists cards in claim order (priority desc, createdAt asc, id asc). */
  List<Card> list(CardQuery query);

  /**
   * Creates a card (ready, or blocked when asked).
   *
   * @throws DuplicateCardException when the id is taken and no idempotency key matches
   * @throws IdempotencyConflictException when the key was used with different content
   * @throws UnknownDependencyException when a dependency does not exist by the end of the
   *     transaction
   * @throws DependencyCycleException when the dependencies would close a cycle
   */
  Card create(NewCard card);

  /**
   * Makes {@code from} depend on {@code to}; a repeated link is a no-op.
   *
   * @throws DependencyCycleException for a self-link or a link closing a cycle
   */
  Card link(CardId from, CardId to);

  /** Removes a dependency; a missing one is a no-op. */
  Card unlink(CardId from, CardId to);

  /**
   * Claims up to {@code request.limit()} claimable cards. Nothing claimable is an empty list, not
   * an error. Inside a transaction the request's maxWait is ignored.
   */
  List<Claim> claim(ClaimRequest request);

  /** Claims one card for the owner with the default TTL, when any is claimable. */
  default Optional<Claim> claimOne(String owner, Duration ttl) {
    return claim(ClaimRequest.builder(owner).ttl(ttl).build()).stream().findFirst();
  }

  /**
   * Extends a lease to now + ttl.
   *
   * @throws LeaseLostException when the token is not the card's current, unexpired lease
   */
  Card renew(CardId id, LeaseToken token, Duration ttl);

  /**
   * Completes a claimed card.
   *
   * @throws LeaseLostException when the token is not the card's current, unexpired lease
   */
  Card complete(CardId id, LeaseToken token);

  /**
   * Completes several claimed cards at once, all or none: typically the cards of one batched claim.
   * Returns the completed cards in the order given; an empty list completes nothing.
   *
   * @throws LeaseLostException for the first claim, in the order given, whose token is not its
   *     card's current, unexpired lease; no card is completed then, not even inside a transaction
   *     that goes on
   * @throws CardNotFoundException for the first claim whose card no longer exists; nothing is
   *     completed then
   * @throws InvalidInputException when a card appears more than once
   */
  List<Card> completeAll(List<Claim> claims);

  /**
   * Completes a ready, claimed or blocked card without a token (the admin path), revoking any
   * lease.
   */
  Card forceComplete(CardId id);

  /** Gives a claimed card back. */
  default Card release(CardId id, LeaseToken token) {
    return release(id, token, null);
  }

  /**
   * Gives a claimed card back with a reason, which the {@code released} event records.
   *
   * @param reason why, at most {@link NewCard#MAX_REASON} characters, or null
   */
  Card release(CardId id, LeaseToken token, String reason);

  /** Reports failure; the card becomes ready, or blocked with the reason at the attempt limit. */
  Card fail(CardId id, LeaseToken token, String reason);

  /**
   * The ids of the cards that depend directly on {@code id}, in id order; empty when none does (or
   * the card does not exist).
   */
  List<CardId> dependents(CardId id);

  /** Takes back every lapsed lease; returns the cards reclaimed. */
  List<CardId> reclaimExpired();

  /** Takes back the lease of a claimed card now (force). */
  Card reclaim(CardId id);

  /** Blocks a ready or claimed card, revoking its lease. */
  Card block(CardId id, String reason);

  /** Makes a blocked card ready again. */
  Card unblock(CardId id);

  /** Makes a done card ready again; dependents not yet claimed wait for it again. */
  Card reopen(CardId id);

  /** Counts the backlog. */
  Stats stats();

  /** Reads a page of the event stream. */
  List<Event> events(EventQuery query);

  /**
   * Extends a lease to now + ttl and sets the holder's lease phase (when given) and attributes
   * (merged into the current ones).
   *
   * @throws LeaseLostException when the token is not the card's current, unexpired lease
   * @throws InvalidInputException when the merged attributes exceed {@value Lease#MAX_ATTRIBUTES}
   */
  Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change);

  /**
   * Completes a claimed card and keeps {@code evidence} (a JSON object of at most {@value
   * Run#MAX_EVIDENCE_BYTES} bytes, or null) on its run and in the {@code completed} event.
   *
   * @throws InvalidInputException when the evidence is not a JSON object or too large
   */
  Card complete(CardId id, LeaseToken token, String evidence);

  /** The card's attempt history: one run per claim, oldest first. */
  List<Run> history(CardId id);

  /**
   * Makes a ready card unclaimable until {@code until} (store clock).
   *
   * @throws InvalidInputException when {@code until} is not in the future
   */
  Card defer(CardId id, java.time.Instant until);

  /**
   * Makes a ready card unclaimable for {@code duration} from now (store clock).
   *
   * @throws InvalidInputException when the duration is not positive
   */
  Card deferFor(CardId id, Duration duration);

  /** Lifts a card's deferral; a card that is not deferred is returned unchanged. */
  Card undefer(CardId id);

  /** Lifts every deferral whose time has come; returns the cards. */
  List<CardId> wakeDeferred();

  /** Why the card is or is not claimable, and its rank in claim order when it is. */
  Explanation explain(CardId id);

  /**
   * The claimable cards in exactly the order claims take them.
   *
   * @param phase only cards of this phase, or null
   * @param limit the most cards to return
   */
  List<Card> queue(String phase, int limit);

  /** The waves of the cards not yet done, their largest size and the critical path. */
  Waves waves(String phase);

  /**
   * Edits a card's descriptive fields.
   *
   * @param ifVersion the version the caller read, or null to update whatever the version
   * @throws VersionConflictException when {@code ifVersion} is given and the card moved on
   */
  Card update(CardId id, CardUpdate update, Long ifVersion);
}
