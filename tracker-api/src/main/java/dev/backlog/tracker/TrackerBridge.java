package dev.backlog.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.tracker.internal.Json;
import dev.backlog.tracker.spi.AtomicFiles;
import dev.backlog.tracker.spi.FileLocks;
import dev.backlog.tracker.spi.TrackerProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the backlog's event stream into a tracker. Each {@link #pump()} pages through {@link
 * Backlog#events(EventQuery)} from a durable cursor; for each event it re-reads the card, writes
 * the mirrored feature (keeping its tracker-only fields) when it differs, and appends the event
 * under the id {@code backlog-<seq>}. After each page it re-renders the roadmap and writes the
 * cursor atomically.
 *
 * <p>Delivery is at least once (a crash between applying a page and writing the cursor replays the
 * page) and the effect exactly once: replays write the same feature bytes and the event append is
 * idempotent by id. A missing or corrupt cursor file is reported and the bridge starts from the
 * beginning, which is safe for the same reason.
 *
 * <p>Thread-safe: pumps of one cursor file are serialized across threads and processes.
 */
public final class TrackerBridge {

  private static final Logger LOG = LoggerFactory.getLogger(TrackerBridge.class);

  /** Events read per page, unless configured otherwise. */
  public static final int DEFAULT_PAGE_SIZE = 500;

  private final Backlog backlog;
  private final TrackerProvider provider;
  private final Path cursorFile;
  private final int pageSize;
  private final FileLocks locks = new FileLocks();

  /** A bridge with the default page size. */
  public TrackerBridge(Backlog backlog, TrackerProvider provider, Path cursorFile) {
    this(backlog, provider, cursorFile, DEFAULT_PAGE_SIZE);
  }

  /**
   * Creates a bridge.
   *
   * @param backlog the backlog of record
   * @param provider the tracker to mirror into
   * @param cursorFile where the stream position is kept, e.g. {@code <home>/tracker-cursor.json}
   * @param pageSize events read per page, 1 to {@link EventQuery#MAX_LIMIT}
   */
  public TrackerBridge(Backlog backlog, TrackerProvider provider, Path cursorFile, int pageSize) {
    this.backlog = Objects.requireNonNull(backlog, "backlog");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.cursorFile = Objects.requireNonNull(cursorFile, "cursorFile").toAbsolutePath().normalize();
    if (pageSize < 1 || pageSize > EventQuery.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "pageSize " + pageSize + " is out of range; use 1 to " + EventQuery.MAX_LIMIT);
    }
    this.pageSize = pageSize;
  }

  /** The stream position applied so far (0 before the first event). */
  public long cursor() {
    Optional<String> text = AtomicFiles.read(cursorFile);
    if (text.isEmpty()) {
      return 0;
    }
    try {
      JsonNode node = Json.parse(text.get()).get("afterSeq");
      if (node == null
          || !node.canConvertToLong()
          || !node.isIntegralNumber()
          || node.asLong() < 0) {
        throw new IllegalArgumentException(
            "field afterSeq is missing or not a non-negative integer");
      }
      return node.asLong();
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "tracker cursor {} is corrupt ({}); replaying the event stream from the start, which is safe"
              + " because applying an event is idempotent",
          cursorFile,
          e.getMessage());
      return 0;
    }
  }

  /** Applies every event after the cursor, page by page, and returns what it did. */
  public BridgeReport pump() {
    return pumpObserved(applied -> {});
  }

  /**
   * Applies every event after the cursor, page by page, and returns what it did; after each event
   * (applied, or skipped because its card is gone) calls {@code afterEvent} with the number of
   * events this pump has handled so far, on the pumping thread, before the page's cursor is
   * written. For progress reports and crash tests; an exception it throws ends the pump there,
   * which is safe: the next pump replays the page. (Not an overload of {@link #pump()}, so that
   * {@code bridge::pump} stays unambiguous for hosts that submit it to an executor.)
   */
  public BridgeReport pumpObserved(LongConsumer afterEvent) {
    Objects.requireNonNull(afterEvent, "afterEvent");
    return locks.withLock(
        cursorFile.resolveSibling(cursorFile.getFileName() + ".lock"),
        () -> pumpLocked(afterEvent));
  }

  private BridgeReport pumpLocked(LongConsumer afterEvent) {
    long cursor = cursor();
    int events = 0;
    int written = 0;
    while (true) {
      List<Event> page = backlog.events(EventQuery.after(cursor, pageSize));
      if (page.isEmpty()) {
        break;
      }
      for (Event event : page) {
        if (apply(event)) {
          written++;
        }
        cursor = event.seq();
        events++;
        afterEvent.accept(events);
      }
      provider.renderRoadmap();
      AtomicFiles.write(cursorFile, "{\"afterSeq\":" + cursor + "}\n");
    }
    if (events > 0) {
      LOG.debug(
          "tracker bridge applied {} event(s) to {}, cursor now {}", events, provider.id(), cursor);
    }
    return new BridgeReport(events, written, cursor);
  }

  /** Applies one event; returns whether the feature record was written. */
  private boolean apply(Event event) {
    Optional<Card> card = backlog.find(event.cardId());
    if (card.isEmpty()) {
      LOG.warn(
          "event {} names card {}, which the backlog no longer has; the event is skipped",
          event.seq(),
          event.cardId());
      return false;
    }
    Optional<Feature> existing;
    try {
      existing = provider.getFeature(event.cardId());
    } catch (TrackerStateException e) {
      LOG.warn(
          "feature {} in the {} tracker is unreadable ({}); it is rewritten from the card",
          event.cardId(),
          provider.id(),
          e.getMessage());
      existing = Optional.empty();
    }
    Feature mirrored = Feature.fromCard(card.get());
    if (existing.isPresent()) {
      mirrored = mirrored.withFields(existing.get().fields());
    }
    boolean write = existing.isEmpty() || !existing.get().equals(mirrored);
    if (write) {
      provider.persistRaw(mirrored);
    }
    provider.appendEvent(FeatureEvent.fromBacklog(event));
    return write;
  }

  @Override
  public String toString() {
    return "TrackerBridge[" + provider.id() + ", cursor " + cursorFile + "]";
  }
}
