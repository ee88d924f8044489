package dev.backlog.core;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A snapshot of the backlog's shape.
 *
 * <p>Immutable and thread-safe.
 *
 * @param counts cards per status; every status is present
 * @param total all cards
 * @param claimable ready cards whose dependencies are all done
 * @param oldestClaimableAge how long the oldest claimable card has existed, or null when none is
 *     claimable
 * @param expiredLeaseCount claimed cards whose lease has lapsed but was not yet reclaimed
 * @param byPhase per phase (cards without a phase are left out), cards per status
 * @param deferred ready cards that are deferred (not counted as claimable)
 * @param byLeasePhase claimed cards per lease phase (leases without a phase are left out)
 */
public record Stats(
    Map<CardStatus, Long> counts,
    long total,
    long claimable,
    Duration oldestClaimableAge,
    long expiredLeaseCount,
    Map<String, Map<CardStatus, Long>> byPhase,
    long deferred,
    Map<String, Long> byLeasePhase) {

  /** Copies the maps, fills missing statuses with zero and sorts phases by name. */
  public Stats {
    counts = complete(Objects.requireNonNull(counts, "counts"));
    TreeMap<String, Map<CardStatus, Long>> phases = new TreeMap<>();
    Objects.requireNonNull(byPhase, "byPhase")
        .forEach((phase, perStatus) -> phases.put(phase, complete(perStatus)));
    byPhase = Collections.unmodifiableMap(phases);
    byLeasePhase =
        Collections.unmodifiableMap(
            new TreeMap<>(Objects.requireNonNull(byLeasePhase, "byLeasePhase")));
  }

  /** Stats without deferred cards or lease phases. */
  public Stats(
      Map<CardStatus, Long> counts,
      long total,
      long claimable,
      Duration oldestClaimableAge,
      long expiredLeaseCount,
      Map<String, Map<CardStatus, Long>> byPhase) {
    this(counts, total, claimable, oldestClaimableAge, expiredLeaseCount, byPhase, 0, Map.of());
  }

  private static Map<CardStatus, Long> complete(Map<CardStatus, Long> in) {
    EnumMap<CardStatus, Long> out = new EnumMap<>(CardStatus.class);
    for (CardStatus status : CardStatus.values()) {
      out.put(status, in.getOrDefault(status, 0L));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The number of cards with the given status. */
  public long count(CardStatus status) {
    return counts.get(status);
  }

  /** The age of the oldest claimable card, when any is claimable. */
  public Optional<Duration> oldestClaimable() {
    return Optional.ofNullable(oldestClaimableAge);
  }
}
