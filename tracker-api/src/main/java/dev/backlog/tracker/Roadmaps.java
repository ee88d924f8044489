package dev.backlog.tracker;

import dev.backlog.core.CardId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders the roadmap, a Markdown view of the features grouped by phase, each with its status and
 * dependencies, in the order the work can be done: a feature's depth is the length of the longest
 * chain of dependencies below it, phases come in the order of their shallowest feature (then by
 * name), the features without a phase last, and within a group the features by depth, then code.
 * The output depends only on the features, so rendering twice gives the same bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class Roadmaps {

  /** The heading of the group of features without a phase. */
  public static final String NO_PHASE = "Unphased";

  private Roadmaps() {}

  /** Renders the roadmap of the given features. */
  public static String render(Collection<Feature> features) {
    Map<CardId, Integer> depth = depths(features);
    Comparator<Feature> workOrder =
        Comparator.<Feature>comparingInt(f -> depth.get(f.code())).thenComparing(Feature::code);
    Map<String, List<Feature>> byPhase = new TreeMap<>();
    List<Feature> unphased = new ArrayList<>();
    for (Feature feature : features) {
      if (feature.phase() == null) {
        unphased.add(feature);
      } else {
        byPhase.computeIfAbsent(feature.phase(), p -> new ArrayList<>()).add(feature);
      }
    }
    List<Map.Entry<String, List<Feature>>> phases = new ArrayList<>(byPhase.entrySet());
    phases.sort(
        Comparator.<Map.Entry<String, List<Feature>>>comparingInt(
                e -> e.getValue().stream().mapToInt(f -> depth.get(f.code())).min().orElse(0))
            .thenComparing(Map.Entry::getKey));
    StringBuilder out = new StringBuilder("# Roadmap\n");
    if (features.isEmpty()) {
      out.append("\nNo features yet.\n");
    }
    for (Map.Entry<String, List<Feature>> phase : phases) {
      section(out, "Phase: " + cell(phase.getKey()), phase.getValue(), workOrder);
    }
    if (!unphased.isEmpty()) {
      section(out, NO_PHASE, unphased, workOrder);
    }
    return out.toString();
  }

  /**
   * Each feature's depth: 0 without dependencies among the features, else one more than its deepest
   * dependency. A dependency on a code that is not a feature counts as done. Iterative (a chain of
   * any length), in dependency order; the features of a cycle (the backlog has none, but tracker
   * files can be edited) come last, one deeper than what they depend on outside it.
   */
  private static Map<CardId, Integer> depths(Collection<Feature> features) {
    Map<CardId, Feature> byCode = new HashMap<>();
    features.forEach(f -> byCode.put(f.code(), f));
    Map<CardId, List<Feature>> dependents = new HashMap<>();
    Map<CardId, Integer> waiting = new HashMap<>();
    ArrayDeque<Feature> ready = new ArrayDeque<>();
    for (Feature f : byCode.values()) {
      int n = 0;
      for (CardId dep : f.dependsOn()) {
        if (byCode.containsKey(dep)) {
          dependents.computeIfAbsent(dep, d -> new ArrayList<>()).add(f);
          n++;
        }
      }
      waiting.put(f.code(), n);
      if (n == 0) {
        ready.add(f);
      }
    }
    Map<CardId, Integer> depth = new HashMap<>();
    while (!ready.isEmpty()) {
      Feature f = ready.poll();
      int d = 0;
      for (CardId dep : f.dependsOn()) {
        Integer below = depth.get(dep);
        if (below != null) {
          d = Math.max(d, below + 1);
        }
      }
      depth.put(f.code(), d);
      for (Feature up : dependents.getOrDefault(f.code(), List.of())) {
        if (waiting.merge(up.code(), -1, Integer::sum) == 0) {
          ready.add(up);
        }
      }
    }
    int deepest = depth.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    for (Feature f : byCode.values()) {
      depth.putIfAbsent(f.code(), deepest + 1);
    }
    return depth;
  }

  private static void section(
      StringBuilder out, String heading, List<Feature> features, Comparator<Feature> order) {
    long done = features.stream().filter(f -> f.status() == FeatureStatus.COMPLETE).count();
    out.append("\n## ")
        .append(heading)
        .append(" (")
        .append(done)
        .append('/')
        .append(features.size())
        .append(
            " complete)\n\n| Code | Title | Status | Depends on |\n| --- | --- | --- | --- |\n");
    features.stream()
        .sorted(order)
        .forEach(
            f ->
                out.append("| ")
                    .append(f.code().value())
                    .append(" | ")
                    .append(cell(f.title()))
                    .append(" | ")
                    .append(f.status().wireName())
                    .append(" | ")
                    .append(
                        f.dependsOn().isEmpty()
                            ? "-"
                            : f.dependsOn().stream()
                                .map(CardId::value)
                                .collect(Collectors.joining(", ")))
                    .append(" |\n"));
  }

  private static String cell(String text) {
    return text.replace("\\", "\\\\").replace("|", "\\|").replaceAll("[\\r\\n]+", " ").strip();
  }
}
