package dev.backlog.cli.tracker;

import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.spi.TrackerProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A provider that passes every call to another one and reports each event append (the bridge's
 * unit of progress) to a listener, which shows progress and hosts the crash-test hook. Thread-safe
 * when the delegate and the listener are.
 */
final class ObservedProvider implements TrackerProvider {

  private final TrackerProvider delegate;
  private final LongConsumer onEventAppended;
  private long appended;

  ObservedProvider(TrackerProvider delegate, LongConsumer onEventAppended) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.onEventAppended = Objects.requireNonNull(onEventAppended, "onEventAppended");
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public Optional<Feature> getFeature(CardId code) {
    return delegate.getFeature(code);
  }

  @Override
  public List<Feature> listFeatures() {
    return delegate.listFeatures();
  }

  @Override
  public Feature createFeature(Feature feature) {
    return delegate.createFeature(feature);
  }

  @Override
  public Feature putFeature(Feature feature) {
    return delegate.putFeature(feature);
  }

  @Override
  public Feature persistRaw(Feature feature) {
    return delegate.persistRaw(feature);
  }

  @Override
  public Feature setStatus(CardId code, FeatureStatus status, String actor) {
    return delegate.setStatus(code, status, actor);
  }

  @Override
  public boolean appendEvent(FeatureEvent event) {
    boolean added = delegate.appendEvent(event);
    long count;
    synchronized (this) {
      count = ++appended;
    }
    onEventAppended.accept(count);
    return added;
  }

  @Override
  public List<FeatureEvent> readEvents(CardId code) {
    return delegate.readEvents(code);
  }

  @Override
  public String getChangelog() {
    return delegate.getChangelog();
  }

  @Override
  public void putChangelog(String content) {
    delegate.putChangelog(content);
  }

  @Override
  public ChangelogSplice appendChangelog(ChangelogEntry entry) {
    return delegate.appendChangelog(entry);
  }

  @Override
  public String renderRoadmap() {
    return delegate.renderRoadmap();
  }

  @Override
  public TrackerHealth health() {
    return delegate.health();
  }

  @Override
  public SyncReport sync() {
    return delegate.sync();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
