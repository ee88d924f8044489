package dev.backlog.tracker;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code tracker status} shows about a provider.
 *
 * <p>Immutable and thread-safe.
 *
 * @param provider the provider id
 * @param canonicalSource where the tracker's record of truth lives, such as a directory or a
 *     repository
 * @param pendingOps remote writes not yet done (pending, inflight or uncertain)
 * @param conflicts open conflict-ledger entries plus ops that ended in a conflict
 * @param quarantined ops set aside after too many failures
 * @param lastSync when the tracker last synced successfully, or null when never
 */
public record TrackerHealth(
    String provider,
    String canonicalSource,
    int pendingOps,
    int conflicts,
    int quarantined,
    Instant lastSync) {

  /** Checks the parts. */
  public TrackerHealth {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(canonicalSource, "canonicalSource");
    if (pendingOps < 0 || conflicts < 0 || quarantined < 0) {
      throw new IllegalArgumentException(
          "health counts must not be negative: pending "
              + pendingOps
              + ", conflicts "
              + conflicts
              + ", quarantined "
              + quarantined);
    }
  }

  /** When the tracker last synced, if ever. */
  public Optional<Instant> lastSyncTime() {
    return Optional.ofNullable(lastSync);
  }
}
