package dev.backlog.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's hold on a claimed card until {@code expiresAt}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param owner the worker that claimed the card
 * @param token the fencing token every lease-holder operation presents
 * @param claimedAt when the claim happened (store clock)
 * @param expiresAt when the lease lapses unless renewed (store clock)
 */
public record Lease(String owner, LeaseToken token, Instant claimedAt, Instant expiresAt) {

  /** Checks that every part is present and the lease does not end before it starts. */
  public Lease {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(claimedAt, "claimedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (expiresAt.isBefore(claimedAt)) {
      throw new IllegalArgumentException(
          "lease expires at " + expiresAt + " before it was claimed at " + claimedAt);
    }
  }

  /** Whether the lease has lapsed at the given instant (expiry itself counts as lapsed). */
  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
