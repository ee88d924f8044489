package dev.backlog.core;

import java.util.Objects;

/**
 * A successful claim: the card as claimed and the lease to present for renew, complete, release and
 * fail.
 *
 * <p>Immutable and thread-safe.
 *
 * @param card the claimed card (its {@code lease} equals {@code lease})
 * @param lease the new lease
 */
public record Claim(Card card, Lease lease) {

  /** Checks the card carries the lease. */
  public Claim {
    Objects.requireNonNull(card, "card");
    Objects.requireNonNull(lease, "lease");
    if (!lease.equals(card.lease())) {
      throw new IllegalArgumentException(
          "claim of " + card.id() + " carries a lease the card does not hold");
    }
  }

  /** The fencing token of the lease. */
  public LeaseToken token() {
    return lease.token();
  }
}
