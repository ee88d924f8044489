package dev.backlog.core;

import java.time.Instant;
import java.util.Optional;

/**
 * The presented fencing token is no longer the card's current lease: the lease expired, was
 * revoked, or the card was claimed again. Carries the card's status and the expiry of the lease
 * that was presented when known, never the current holder's identity or token.
 */
public final class LeaseLostException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final CardId card;
  private final LeaseToken presented;
  private final CardStatus status;
  private final transient Instant expiresAt;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param card the card
   * @param presented the token the caller presented
   * @param status the card's current status
   * @param expiresAt when the presented lease expired or expires, or null when unknown (e.g.
   *     revoked or superseded)
   * @param why a short explanation such as "expired" or "the card was claimed again"
   */
  public LeaseLostException(
      CardId card, LeaseToken presented, CardStatus status, Instant expiresAt, String why) {
    super(
        CoreErrorCode.LEASE_LOST,
        "lease "
            + presented
            + " on card "
            + card
            + " is no longer valid: "
            + reasonOf(status, expiresAt, why)
            + "; stop working on it, or claim it again");
    this.reason = reasonOf(status, expiresAt, why);
    this.card = card;
    this.presented = presented;
    this.status = status;
    this.expiresAt = expiresAt;
  }

  /** The card whose lease was lost. */
  public CardId card() {
    return card;
  }

  /** The token that was presented. */
  public LeaseToken presented() {
    return presented;
  }

  /** The card's status now. */
  public CardStatus status() {
    return status;
  }

  private static String reasonOf(CardStatus status, Instant expiresAt, String why) {
    return "card is "
        + status.wireName()
        + (expiresAt != null ? ", lease expiry " + expiresAt : "")
        + " ("
        + why
        + ")";
  }

  /**
   * Why the lease is no longer valid, without the advice: the card's status, the presented lease's
   * expiry when known, and what happened, such as {@code card is ready (the lease was revoked or
   * the card moved on)}. For a host that words its own advice.
   */
  public String reason() {
    return reason;
  }

  /** When the presented lease expired, when known. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }
}
