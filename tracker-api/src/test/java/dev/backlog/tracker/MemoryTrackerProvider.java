package dev.backlog.tracker;

import dev.backlog.core.CardId;
import dev.backlog.tracker.spi.TrackerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A small in-memory provider used by the discovery tests; not thread-safe beyond its synchronized
 * methods.
 */
final class MemoryTrackerProvider implements TrackerProvider {
  private final String id;
  private final Map<CardId, Feature> features = new TreeMap<>();
  private final Map<CardId, List<FeatureEvent>> events = new TreeMap<>();
  private String changelog = "";
  private String roadmap = "";

  MemoryTrackerProvider(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public synchronized Optional<Feature> getFeature(CardId code) {
    return Optional.ofNullable(features.get(code));
  }

  @Override
  public synchronized List<Feature> listFeatures() {
    return List.copyOf(features.values());
  }

  @Override
  public synchronized Feature createFeature(Feature feature) {
    if (features.containsKey(feature.code())) {
      throw new FeatureExistsException(feature.code(), id);
    }
    features.put(feature.code(), feature);
    renderRoadmap();
    return feature;
  }

  @Override
  public synchronized Feature putFeature(Feature feature) {
    Feature old =
        getFeature(feature.code())
            .orElseThrow(() -> new FeatureNotFoundException(feature.code(), id));
    TransitionPolicy.checkUnchanged(feature.code(), old.status(), feature.status());
    features.put(feature.code(), feature);
    renderRoadmap();
    return feature;
  }

  @Override
  public synchronized Feature persistRaw(Feature feature) {
    features.put(feature.code(), feature);
    return feature;
  }

  @Override
  public synchronized Feature setStatus(CardId code, FeatureStatus status, String actor) {
    Feature old = getFeature(code).orElseThrow(() -> new FeatureNotFoundException(code, id));
    TransitionPolicy.check(code, old.status(), status);
    if (old.status() == status) {
      return old;
    }
    Feature next = old.withStatus(status);
    features.put(code, next);
    appendEvent(
        new FeatureEvent(
            "status-" + events.getOrDefault(code, List.of()).size(),
            code,
            "status",
            actor,
            java.time.Instant.EPOCH,
            "{\"from\":\"" + old.status().wireName() + "\",\"to\":\"" + status.wireName() + "\"}"));
    renderRoadmap();
    return next;
  }

  @Override
  public synchronized boolean appendEvent(FeatureEvent event) {
    if (!features.containsKey(event.code())) {
      throw new FeatureNotFoundException(event.code(), id);
    }
    List<FeatureEvent> list = events.computeIfAbsent(event.code(), c -> new ArrayList<>());
    if (list.stream().anyMatch(e -> e.id().equals(event.id()))) {
      return false;
    }
    return list.add(event);
  }

  @Override
  public synchronized List<FeatureEvent> readEvents(CardId code) {
    return List.copyOf(events.getOrDefault(code, List.of()));
  }

  @Override
  public synchronized String getChangelog() {
    return changelog;
  }

  @Override
  public synchronized void putChangelog(String content) {
    changelog = content;
  }

  @Override
  public synchronized String renderRoadmap() {
    roadmap = Roadmaps.render(features.values());
    return roadmap;
  }

  @Override
  public TrackerHealth health() {
    return new TrackerHealth(id, "memory", 0, 0, 0, null);
  }

  @Override
  public SyncReport sync() {
    return SyncReport.EMPTY;
  }
}
