package dev.backlog.core.spi;

import dev.backlog.core.CardId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Cycle detection for the dependency graph, shared by stores.
 *
 * <p>Stateless and thread-safe.
 */
public final class DependencyGraph {

  private DependencyGraph() {}

  /**
   * Finds the cycle that the edge {@code from → to} (from depends on to) would close.
   *
   * @param from the dependent card
   * @param to the card it would depend on
   * @param dependsOn a card's current dependencies (empty for a card that does not exist)
   * @return the cycle as a path {@code from, to, …, from}, each depending on the next; empty when
   *     none
   */
  public static Optional<List<CardId>> cycleThrough(
      CardId from, CardId to, Function<CardId, ? extends Collection<CardId>> dependsOn) {
    if (from.equals(to)) {
      return Optional.of(List.of(from, from));
    }
    // Breadth-first from `to` along dependsOn edges, looking for `from`; parents rebuild the path.
    Map<CardId, CardId> parent = new HashMap<>();
    Deque<CardId> queue = new ArrayDeque<>();
    parent.put(to, to);
    queue.add(to);
    while (!queue.isEmpty()) {
      CardId node = queue.poll();
      for (CardId next : dependsOn.apply(node)) {
        if (parent.containsKey(next)) {
          continue;
        }
        parent.put(next, node);
        if (next.equals(from)) {
          List<CardId> path = new ArrayList<>();
          for (CardId at = from; !at.equals(to); at = parent.get(at)) {
            path.add(at);
          }
          path.add(to);
          Collections.reverse(path);
          path.add(0, from);
          return Optional.of(path);
        }
        queue.add(next);
      }
    }
    return Optional.empty();
  }
}
