package dev.backlog.core.spi;

import dev.backlog.core.Card;
import dev.backlog.core.CardStatus;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.InvalidTransitionException;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.VersionConflictException;
import java.time.Duration;
import java.time.Instant;

/**
 * The status machine as pure functions from a card's current state to its next one. Every store
 * uses these so that all stores agree; each function raises {@link InvalidTransitionException} or
 * {@link LeaseLostException} instead of returning a card when the transition is refused, and
 * otherwise bumps {@code version} and {@code updatedAt}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Transitions {

  private Transitions() {}

  /**
   * The card a create makes from {@code request} at {@code now}: ready (or blocked when asked),
   * version 1, no attempts and no lease.
   */
  public static Card created(NewCard request, Instant now) {
    return Card.builder()
        .id(request.id())
        .title(request.title())
        .body(request.body())
        .phase(request.phase())
        .priority(request.priority())
        .dependsOn(request.dependsOn())
        .acceptance(request.acceptance())
        .idempotencyKey(request.idempotencyKey())
        .maxAttempts(request.maxAttempts())
        .status(request.blocked() ? CardStatus.BLOCKED : CardStatus.READY)
        .blockedReason(request.blockedReason())
        .createdAt(now)
        .updatedAt(now)
        .version(1)
        .build();
  }

  /**
   * Checks that {@code token} is the card's current, unexpired lease.
   *
   * @throws LeaseLostException when it is not
   */
  public static Lease checkLease(Card card, LeaseToken token, Instant now) {
    Lease lease = card.lease();
    if (card.status() != CardStatus.CLAIMED || lease == null) {
      throw new LeaseLostException(
          card.id(), token, card.status(), null, "the lease was revoked or the card moved on");
    }
    if (!lease.token().equals(token)) {
      String why =
          token.compareTo(lease.token()) < 0
              ? "the card was claimed again"
              : "no such lease was issued";
      throw new LeaseLostException(card.id(), token, card.status(), null, why);
    }
    if (lease.isExpiredAt(now)) {
      throw new LeaseLostException(card.id(), token, card.status(), lease.expiresAt(), "expired");
    }
    return lease;
  }

  /** The limit that applies to a card: its own, else the backlog default. */
  public static int maxAttempts(Card card, int defaultMaxAttempts) {
    return card.maxAttempts() != null ? card.maxAttempts() : defaultMaxAttempts;
  }

  /** ready → claimed with the given lease; attempts + 1. The caller has checked claimability. */
  public static Card claim(Card card, Lease lease, Instant now) {
    require(card, "claim", "ready", CardStatus.READY);
    return next(card, now)
        .status(CardStatus.CLAIMED)
        .lease(lease)
        .attempts(card.attempts() + 1)
        .blockedReason(null)
        .build();
  }

  /**
   * Extends a valid lease to now + ttl, but never to before the claim: after the clock moved back
   * since the claim, now + ttl can lie before the recorded claim time, and the lease then runs
   * until that time (it is not cut short by a clock that moved back, and is not refused).
   */
  public static Card renew(Card card, LeaseToken token, Duration ttl, Instant now) {
    return renew(card, token, ttl, LeaseChange.NONE, now);
  }

  /**
   * Extends a valid lease to now + ttl and applies the holder's change of lease phase and
   * attributes.
   *
   * @throws dev.backlog.core.InvalidInputException when the merged attributes exceed the bound
   */
  public static Card renew(
      Card card, LeaseToken token, Duration ttl, LeaseChange change, Instant now) {
    Lease lease = checkLease(card, token, now);
    Instant expiry = now.plus(ttl);
    if (expiry.isBefore(lease.claimedAt())) {
      expiry = lease.claimedAt();
    }
    return next(card, now).lease(change.applyTo(lease, expiry)).build();
  }

  /**
   * ready → ready and deferred until {@code until}: not claimable before then.
   *
   * @throws InvalidInputException when {@code until} is not after {@code now}
   */
  public static Card defer(Card card, Instant until, Instant now) {
    require(card, "defer", "ready", CardStatus.READY);
    if (!until.isAfter(now)) {
      throw InvalidInputException.of(
          "until",
          "until "
              + until
              + " is not after the store clock ("
              + now
              + "); give a later instant or a positive duration");
    }
    return next(card, now).notBefore(until).build();
  }

  /** Lifts a deferral now; a card that is not deferred is returned unchanged. */
  public static Card undefer(Card card, Instant now) {
    if (card.notBefore() == null) {
      return card;
    }
    return next(card, now).notBefore(null).build();
  }

  /** Whether a deferral has run out at {@code now} and the sweep should lift it. */
  public static boolean deferralOver(Card card, Instant now) {
    return card.notBefore() != null && !card.notBefore().isAfter(now);
  }

  /**
   * The card with the update's fields applied; unchanged when the update changes nothing.
   *
   * @throws dev.backlog.core.VersionConflictException when {@code ifVersion} is given and the card
   *     is at another version
   */
  public static Card update(Card card, CardUpdate update, Long ifVersion, Instant now) {
    if (ifVersion != null && ifVersion != card.version()) {
      throw new VersionConflictException(card.id(), ifVersion, card.version());
    }
    Card changed = update.applyTo(card.toBuilder()).build();
    if (changed.equals(card)) {
      return card;
    }
    return update.applyTo(next(card, now)).build();
  }

  /** claimed → done with a valid lease. */
  public static Card complete(Card card, LeaseToken token, Instant now) {
    checkLease(card, token, now);
    return next(card, now).status(CardStatus.DONE).lease(null).build();
  }

  /** ready, claimed or blocked → done, revoking any lease. */
  public static Card forceComplete(Card card, Instant now) {
    require(
        card,
        "force-complete",
        "ready, claimed or blocked",
        CardStatus.READY,
        CardStatus.CLAIMED,
        CardStatus.BLOCKED);
    return next(card, now)
        .status(CardStatus.DONE)
        .lease(null)
        .blockedReason(null)
        .notBefore(null)
        .build();
  }

  /** claimed → ready with a valid lease; attempts kept. */
  public static Card release(Card card, LeaseToken token, Instant now) {
    checkLease(card, token, now);
    return next(card, now).status(CardStatus.READY).lease(null).build();
  }

  /** claimed → ready, or → blocked with the reason once attempts reached the limit. */
  public static Card fail(
      Card card, LeaseToken token, String reason, int defaultMaxAttempts, Instant now) {
    checkLease(card, token, now);
    if (card.attempts() >= maxAttempts(card, defaultMaxAttempts)) {
      String why =
          "failed "
              + card.attempts()
              + " of "
              + maxAttempts(card, defaultMaxAttempts)
              + " attempts"
              + (reason == null ? "" : ": " + reason);
      return next(card, now).status(CardStatus.BLOCKED).lease(null).blockedReason(why).build();
    }
    return next(card, now).status(CardStatus.READY).lease(null).build();
  }

  /** A claimed card whose lease lapsed → ready, or → blocked once attempts reached the limit. */
  public static Card expire(Card card, int defaultMaxAttempts, Instant now) {
    require(card, "reclaim", "claimed", CardStatus.CLAIMED);
    if (card.attempts() >= maxAttempts(card, defaultMaxAttempts)) {
      String why =
          "lease expired on attempt "
              + card.attempts()
              + " of "
              + maxAttempts(card, defaultMaxAttempts)
              + " (owner "
              + card.lease().owner()
              + ")";
      return next(card, now).status(CardStatus.BLOCKED).lease(null).blockedReason(why).build();
    }
    return next(card, now).status(CardStatus.READY).lease(null).build();
  }

  /** claimed → ready now, whether or not the lease lapsed. */
  public static Card reclaim(Card card, Instant now) {
    require(card, "reclaim", "claimed", CardStatus.CLAIMED);
    return next(card, now).status(CardStatus.READY).lease(null).build();
  }

  /** ready or claimed → blocked, revoking any lease. */
  public static Card block(Card card, String reason, Instant now) {
    require(card, "block", "ready or claimed", CardStatus.READY, CardStatus.CLAIMED);
    return next(card, now)
        .status(CardStatus.BLOCKED)
        .lease(null)
        .blockedReason(reason)
        .notBefore(null)
        .build();
  }

  /** blocked → ready, attempts reset. */
  public static Card unblock(Card card, Instant now) {
    require(card, "unblock", "blocked", CardStatus.BLOCKED);
    return next(card, now).status(CardStatus.READY).blockedReason(null).attempts(0).build();
  }

  /** done → ready, attempts reset. */
  public static Card reopen(Card card, Instant now) {
    require(card, "reopen", "done", CardStatus.DONE);
    return next(card, now).status(CardStatus.READY).attempts(0).build();
  }

  /** A builder for the card's next version: version + 1, updatedAt = now. */
  public static Card.Builder next(Card card, Instant now) {
    return card.toBuilder().version(card.version() + 1).updatedAt(now);
  }

  private static void require(Card card, String operation, String allowed, CardStatus... statuses) {
    for (CardStatus status : statuses) {
      if (card.status() == status) {
        return;
      }
    }
    throw new InvalidTransitionException(card.id(), card.status(), operation, allowed);
  }
}
