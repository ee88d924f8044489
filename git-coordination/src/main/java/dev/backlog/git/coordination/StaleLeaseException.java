package dev.backlog.git.coordination;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;

/**
 * Bookkeeping presented a lease token older than the card's current one as recorded in the
 * mission's event log; nothing was written.
 */
public final class StaleLeaseException extends GitCoordinationException {

  private static final long serialVersionUID = 1L;

  private final CardId card;
  private final LeaseToken presented;
  private final LeaseToken current;

  /** Creates the exception. */
  public StaleLeaseException(CardId card, LeaseToken presented, LeaseToken current) {
    super(
        GitErrorCode.STALE_LEASE,
        "lease "
            + presented
            + " on card "
            + card
            + " is older than the card's"
            + " current lease "
            + current
            + " in the mission's event log; stop working on it, or claim it again");
    this.card = card;
    this.presented = presented;
    this.current = current;
  }

  /** The card. */
  public CardId card() {
    return card;
  }

  /** The token that was presented. */
  public LeaseToken presented() {
    return presented;
  }

  /** The card's current token in the log. */
  public LeaseToken current() {
    return current;
  }
}
