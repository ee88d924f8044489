package dev.backlog.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the cards not yet done can run in parallel: wave 1 holds the cards that wait for nothing
 * undone, wave n the cards whose undone dependencies are all in earlier waves. The largest wave is
 * the most workers the plan can use at once; the critical path is the longest chain of
 * dependencies, which bounds how many waves the plan needs however many workers run it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param waves the waves in order, each sorted in claim order
 * @param maxParallelism the size of the largest wave
 * @param criticalPath a longest dependency chain, first card first
 */
public record Waves(List<List<CardId>> waves, int maxParallelism, List<CardId> criticalPath) {

  /** Copies the lists. */
  public Waves {
    waves = waves.stream().map(List::copyOf).toList();
    criticalPath = List.copyOf(criticalPath);
  }

  /**
   * Computes the waves of the given cards (dependencies that are done, or not among them and not
   * undone, do not hold a card back). With a phase, only that phase's cards are shown, placed in
   * the waves the whole plan gives them.
   *
   * @param cards every card not done
   * @param phase only show cards of this phase, or null
   */
  public static Waves of(Collection<Card> cards, String phase) {
    Map<CardId, Card> byId = new HashMap<>();
    for (Card card : cards) {
      if (card.status() != CardStatus.DONE) {
        byId.put(card.id(), card);
      }
    }
    Map<CardId, Integer> level = new HashMap<>();
    Map<CardId, CardId> via = new HashMap<>();
    for (CardId id : byId.keySet()) {
      level(id, byId, level, via);
    }
    List<List<Card>> grouped = new ArrayList<>();
    for (Card card : byId.values()) {
      if (phase != null && !phase.equals(card.phase())) {
        continue;
      }
      int l = level.get(card.id());
      while (grouped.size() <= l) {
        grouped.add(new ArrayList<>());
      }
      grouped.get(l).add(card);
    }
    List<List<CardId>> waves = new ArrayList<>();
    int max = 0;
    for (List<Card> wave : grouped) {
      if (wave.isEmpty()) {
        continue;
      }
      wave.sort(Card.CLAIM_ORDER);
      waves.add(wave.stream().map(Card::id).toList());
      max = Math.max(max, wave.size());
    }
    List<CardId> path = new ArrayList<>();
    byId.values().stream()
        .filter(c -> phase == null || phase.equals(c.phase()))
        .max(
            Comparator.comparingInt((Card c) -> level.get(c.id()))
                .thenComparing(Card.CLAIM_ORDER.reversed()))
        .ifPresent(
            end -> {
              for (CardId at = end.id(); at != null; at = via.get(at)) {
                path.add(0, at);
              }
            });
    return new Waves(waves, max, path);
  }

  /** The wave index of a card (0-based), remembering the dependency that set it. */
  private static int level(
      CardId id, Map<CardId, Card> cards, Map<CardId, Integer> level, Map<CardId, CardId> via) {
    Integer known = level.get(id);
    if (known != null) {
      return known;
    }
    // Iterative depth-first walk, so that long chains cannot overflow the stack.
    List<CardId> stack = new ArrayList<>();
    stack.add(id);
    while (!stack.isEmpty()) {
      CardId top = stack.get(stack.size() - 1);
      if (level.containsKey(top)) {
        stack.remove(stack.size() - 1);
        continue;
      }
      boolean pending = false;
      int best = 0;
      CardId bestVia = null;
      for (CardId dep : cards.get(top).dependsOn()) {
        if (!cards.containsKey(dep)) {
          continue;
        }
        Integer l = level.get(dep);
        if (l == null) {
          // Not known yet: walk it first (pushed again when already waiting lower down; a card
          // met again once it has its level is skipped).
          stack.add(dep);
          pending = true;
          continue;
        }
        if (l + 1 > best || (l + 1 == best && bestVia != null && dep.compareTo(bestVia) < 0)) {
          best = l + 1;
          bestVia = dep;
        }
      }
      if (!pending) {
        level.put(top, best);
        if (bestVia != null) {
          via.put(top, bestVia);
        }
        stack.remove(stack.size() - 1);
      }
    }
    return Objects.requireNonNull(level.get(id));
  }
}
