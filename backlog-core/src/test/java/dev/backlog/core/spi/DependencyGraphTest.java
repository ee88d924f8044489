package dev.backlog.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class DependencyGraphTest {

  private static CardId id(String value) {
    return CardId.of(value);
  }

  private static List<CardId> ids(String... values) {
    return java.util.Arrays.stream(values).map(CardId::of).toList();
  }

  private static Map<CardId, Set<CardId>> graph(String... edges) {
    Map<CardId, Set<CardId>> g = new HashMap<>();
    for (String edge : edges) {
      String[] parts = edge.split(">");
      g.computeIfAbsent(id(parts[0]), k -> new TreeSet<>()).add(id(parts[1]));
    }
    return g;
  }

  private static Optional<List<CardId>> cycle(Map<CardId, Set<CardId>> g, String from, String to) {
    return DependencyGraph.cycleThrough(id(from), id(to), c -> g.getOrDefault(c, Set.of()));
  }

  @Example
  void aSelfLinkIsACycleOfOneCard() {
    assertEquals(Optional.of(ids("a", "a")), cycle(Map.of(), "a", "a"));
  }

  @Example
  void aLinkBackToADependencyIsATwoCycle() {
    assertEquals(Optional.of(ids("b", "a", "b")), cycle(graph("a>b"), "b", "a"));
    assertEquals(Optional.of(ids("a", "x", "a")), cycle(graph("a>b", "b>c", "x>a"), "a", "x"));
  }

  @Example
  void aLinkClosingALongerLoopNamesEveryCardInDependencyOrder() {
    assertEquals(
        Optional.of(ids("d", "a", "b", "c", "d")), cycle(graph("a>b", "b>c", "c>d"), "d", "a"));
  }

  @Example
  void theShortestPathIsNamedWhenSeveralLoopsWouldClose() {
    assertEquals(
        Optional.of(ids("d", "a", "d")), cycle(graph("a>b", "b>c", "c>d", "a>d"), "d", "a"));
  }

  @Example
  void noPathBackMeansNoCycle() {
    assertEquals(Optional.empty(), cycle(graph("a>b", "b>c"), "a", "c"));
    assertEquals(Optional.empty(), cycle(graph("a>b", "c>b"), "a", "c"));
    assertEquals(Optional.empty(), cycle(Map.of(), "a", "unknown"));
  }

  /** A random DAG over n cards: edges only from a higher to a lower index. */
  @Provide
  Arbitrary<Map<CardId, Set<CardId>>> dags() {
    return Arbitraries.integers()
        .between(2, 12)
        .flatMap(
            n ->
                Combinators.combine(
                        Arbitraries.integers().between(0, n - 1),
                        Arbitraries.integers().between(0, n - 1))
                    .as((x, y) -> new int[] {x, y})
                    .list()
                    .ofMaxSize(3 * n)
                    .map(
                        pairs -> {
                          Map<CardId, Set<CardId>> g = new HashMap<>();
                          for (int i = 0; i < n; i++) {
                            g.put(id("n" + i), new TreeSet<>());
                          }
                          for (int[] p : pairs) {
                            if (p[0] != p[1]) {
                              int hi = Math.max(p[0], p[1]);
                              int lo = Math.min(p[0], p[1]);
                              g.get(id("n" + hi)).add(id("n" + lo));
                            }
                          }
                          return g;
                        }));
  }

  private static boolean reaches(Map<CardId, Set<CardId>> g, CardId start, CardId target) {
    Deque<CardId> todo = new ArrayDeque<>(List.of(start));
    Set<CardId> seen = new HashSet<>(todo);
    while (!todo.isEmpty()) {
      CardId at = todo.pop();
      if (at.equals(target)) {
        return true;
      }
      for (CardId next : g.getOrDefault(at, Set.of())) {
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return false;
  }

  @Property
  void aCycleIsReportedExactlyWhenTheNewEdgeClosesOneAndItsPathIsMadeOfRealEdges(
      @ForAll("dags") Map<CardId, Set<CardId>> g,
      @ForAll @IntRange(max = 11) int a,
      @ForAll @IntRange(max = 11) int b) {
    CardId from = id("n" + (a % g.size()));
    CardId to = id("n" + (b % g.size()));
    Optional<List<CardId>> path = DependencyGraph.cycleThrough(from, to, g::get);
    assertEquals(
        from.equals(to) || reaches(g, to, from),
        path.isPresent(),
        () -> "edge " + from + " -> " + to);
    path.ifPresent(
        p -> {
          assertEquals(from, p.get(0));
          assertEquals(to, p.get(1));
          assertEquals(from, p.get(p.size() - 1));
          for (int i = 1; i + 1 < p.size(); i++) {
            assertTrue(g.get(p.get(i)).contains(p.get(i + 1)), () -> "not an edge: " + p);
          }
          assertEquals(
              p.size() - 1,
              new HashSet<>(p.subList(0, p.size() - 1)).size(),
              () -> "path repeats a card: " + p);
        });
  }
}
