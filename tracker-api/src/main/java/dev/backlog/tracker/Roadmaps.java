package dev.backlog.tracker;

import dev.backlog.core.CardId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders the roadmap, a Markdown view of the features grouped by phase (phases sorted by name, the
 * features without a phase last), each with its status and dependencies. The output depends only on
 * the features, so rendering twice gives the same bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class Roadmaps {

  /** The heading of the group of features without a phase. */
  public static final String NO_PHASE = "Unphased";

  private Roadmaps() {}

  /** Renders the roadmap of the given features. */
  public static String render(Collection<Feature> features) {
    Map<String, List<Feature>> byPhase = new TreeMap<>();
    List<Feature> unphased = new ArrayList<>();
    for (Feature feature : features) {
      if (feature.phase() == null) {
        unphased.add(feature);
      } else {
        byPhase.computeIfAbsent(feature.phase(), p -> new ArrayList<>()).add(feature);
      }
    }
    StringBuilder out = new StringBuilder("# Roadmap\n");
    if (features.isEmpty()) {
      out.append("\nNo features yet.\n");
    }
    for (Map.Entry<String, List<Feature>> phase : byPhase.entrySet()) {
      section(out, "Phase: " + cell(phase.getKey()), phase.getValue());
    }
    if (!unphased.isEmpty()) {
      section(out, NO_PHASE, unphased);
    }
    return out.toString();
  }

  private static void section(StringBuilder out, String heading, List<Feature> features) {
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
        .sorted(Comparator.comparing(Feature::code))
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
