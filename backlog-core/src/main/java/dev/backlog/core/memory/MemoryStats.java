package dev.backlog.core.memory;

import dev.backlog.core.Card;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Stats;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Counts the in-memory store's cards into {@link Stats}. Stateless. */
final class MemoryStats {

  private MemoryStats() {}

  /** The stats of the cards at {@code now}, with the store's claimable test. */
  static Stats of(Collection<Card> cards, Instant now, Predicate<Card> claimable) {
    Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
    Map<String, Map<CardStatus, Long>> byPhase = new TreeMap<>();
    long claimableCount = 0;
    long expired = 0;
    long deferred = 0;
    Map<String, Long> byLeasePhase = new TreeMap<>();
    Instant oldest = null;
    for (Card card : cards) {
      counts.merge(card.status(), 1L, Long::sum);
      if (card.phase() != null) {
        byPhase
            .computeIfAbsent(card.phase(), p -> new EnumMap<>(CardStatus.class))
            .merge(card.status(), 1L, Long::sum);
      }
      if (claimable.test(card)) {
        claimableCount++;
        if (oldest == null || card.createdAt().isBefore(oldest)) {
          oldest = card.createdAt();
        }
      }
      if (card.status() == CardStatus.CLAIMED && card.lease().isExpiredAt(now)) {
        expired++;
      }
      if (card.status() == CardStatus.READY && card.notBefore() != null) {
        deferred++;
      }
      if (card.status() == CardStatus.CLAIMED && card.lease().phase() != null) {
        byLeasePhase.merge(card.lease().phase(), 1L, Long::sum);
      }
    }
    Duration age =
        oldest == null
            ? null
            : Duration.between(oldest, now).isNegative()
                ? Duration.ZERO
                : Duration.between(oldest, now);
    return new Stats(
        counts, cards.size(), claimableCount, age, expired, byPhase, deferred, byLeasePhase);
  }
}
