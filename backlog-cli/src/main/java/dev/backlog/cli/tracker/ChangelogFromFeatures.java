package dev.backlog.cli.tracker;

import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.spi.TrackerProvider;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The changelog entries a tracker's features call for: one per complete feature, in the section of
 * the UTC date of its last {@code completed} event, with the feature's title as the summary. The
 * entries come sorted by date, then code, so that splicing them one by one (idempotent per code and
 * date) gives the same text however often, or however interrupted, it runs. Stateless.
 */
final class ChangelogFromFeatures {

  private ChangelogFromFeatures() {}

  /** The entries for the provider's complete features, oldest date first, then by code. */
  static List<ChangelogEntry> entries(TrackerProvider provider) {
    List<ChangelogEntry> entries = new ArrayList<>();
    for (Feature feature : provider.listFeatures()) {
      if (feature.status() != FeatureStatus.COMPLETE) {
        continue;
      }
      List<FeatureEvent> events = provider.readEvents(feature.code());
      for (int i = events.size() - 1; i >= 0; i--) {
        FeatureEvent event = events.get(i);
        if (event.type().equals("completed")) {
          String date = event.at().atOffset(ZoneOffset.UTC).toLocalDate().toString();
          String summary = feature.title().replaceAll("\\s+", " ").strip();
          entries.add(ChangelogEntry.of(feature.code().value(), date, summary));
          break;
        }
      }
    }
    entries.sort(
        Comparator.comparing(ChangelogEntry::version).thenComparing(e -> e.code().value()));
    return entries;
  }
}
