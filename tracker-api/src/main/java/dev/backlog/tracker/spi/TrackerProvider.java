package dev.backlog.tracker.spi;

import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Changelogs;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerHealth;
import java.util.List;
import java.util.Optional;

/**
 * A tracker: where features, their events, the roadmap and the changelog live for humans to read.
 * Created by a {@link TrackerProviderFactory}; every implementation must pass the tracker-tck
 * contract. Later additions to this interface will be default methods.
 *
 * <p>Write verbs differ in how much policy they apply:
 *
 * <ul>
 *   <li>{@link #createFeature} and {@link #putFeature} write fields but never change an existing
 *       status;
 *   <li>{@link #setStatus} applies the {@link dev.backlog.tracker.TransitionPolicy}, appends an
 *       event and re-renders the roadmap;
 *   <li>{@link #persistRaw} writes exactly what it is given: no policy, no event, no roadmap.
 * </ul>
 *
 * <p>Implementations must be thread-safe, and file-based ones safe across processes sharing the
 * files.
 */
public interface TrackerProvider extends AutoCloseable {

  /** The provider id, as its factory reports it. */
  String id();

  /** The feature with the given code. */
  Optional<Feature> getFeature(CardId code);

  /** Every feature, sorted by code. */
  List<Feature> listFeatures();

  /**
   * Creates a feature with the status it carries, then re-renders the roadmap.
   *
   * @throws dev.backlog.tracker.FeatureExistsException when the code exists
   */
  Feature createFeature(Feature feature);

  /**
   * Overwrites a feature's fields (all of them, tracker-only fields included) and re-renders the
   * roadmap.
   *
   * @throws dev.backlog.tracker.FeatureNotFoundException when the code does not exist
   * @throws dev.backlog.tracker.StatusTransitionException when the status differs from the stored
   *     one
   */
  Feature putFeature(Feature feature);

  /**
   * Writes the feature exactly as given, creating it when missing: no policy, no events, no
   * roadmap.
   */
  Feature persistRaw(Feature feature);

  /**
   * Moves a feature to another status under the transition policy, appends a {@code status} event
   * ({@code {"from":…,"to":…}}) and re-renders the roadmap. Asking for the current status changes
   * nothing and appends nothing.
   *
   * @throws dev.backlog.tracker.FeatureNotFoundException when the code does not exist
   * @throws dev.backlog.tracker.StatusTransitionException when the policy refuses the transition
   */
  Feature setStatus(CardId code, FeatureStatus status, String actor);

  /**
   * Appends an event to its feature's history, unless an event with the same id is already there.
   *
   * @return true when appended, false when the id was already present
   * @throws dev.backlog.tracker.FeatureNotFoundException when the feature does not exist
   */
  boolean appendEvent(FeatureEvent event);

  /** The feature's events in the order they were appended; empty when it has none. */
  List<FeatureEvent> readEvents(CardId code);

  /** The changelog text, empty when there is none. */
  String getChangelog();

  /** Replaces the changelog text. */
  void putChangelog(String content);

  /**
   * Splices an entry into the changelog with {@link Changelogs#splice} and writes the result when
   * it changed. Providers that can write concurrently override this to read, splice and write under
   * one lock.
   *
   * @throws dev.backlog.tracker.ChangelogFormatException when the changelog's first line is not
   *     {@code # Changelog}
   */
  default ChangelogSplice appendChangelog(ChangelogEntry entry) {
    ChangelogSplice splice = Changelogs.splice(getChangelog(), entry);
    if (splice.changed()) {
      putChangelog(splice.content());
    }
    return splice;
  }

  /** Renders the roadmap from the features, stores it when it changed, and returns it. */
  String renderRoadmap();

  /**
   * The provider's health: canonical source, pending ops, conflicts, quarantined ops, last sync.
   */
  TrackerHealth health();

  /** Drains pending work (for remote providers, the op-log) and reports what happened. */
  SyncReport sync();

  /** Releases what the provider holds; the default holds nothing. */
  @Override
  default void close() {}
}
