package dev.backlog.tracker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.NewCard;
import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.tracker.BridgeReport;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerBridge;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerBridgeTest {

  @TempDir Path tmp;
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T12:00:00Z"));
  private Backlog backlog;

  @BeforeEach
  void fillBacklog() {
    backlog = Backlog.builder().store(new InMemoryBacklogStore(clock)).actor("planner").build();
    backlog.create(NewCard.builder("LEX-1").title("Lexer").phase("alpha").priority(5).build());
    backlog.create(
        NewCard.builder("PARSE-1")
            .title("Parser")
            .phase("alpha")
            .priority(3)
            .dependsOn("LEX-1")
            .acceptance("[\"parses comments\"]")
            .body("Grammar in docs/grammar.md")
            .build());
    backlog.create(NewCard.builder("DOCS-1").title("Docs").build());
    backlog.create(NewCard.builder("OPS-1").title("Deploy").phase("beta").build());
    Claim lexer = backlog.claimOne("w1", Duration.ofMinutes(5)).orElseThrow();
    backlog.complete(lexer.card().id(), lexer.token());
    assertEquals(
        "PARSE-1", backlog.claimOne("w2", Duration.ofMinutes(5)).orElseThrow().card().id().value());
    backlog.block(CardId.of("DOCS-1"), "waiting for the parser");
    backlog.link(CardId.of("OPS-1"), CardId.of("PARSE-1"));
  }

  @AfterEach
  void close() {
    backlog.close();
  }

  private static SortedMap<String, String> snapshot(Path root) throws IOException {
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p :
          walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".lock")).toList()) {
        files.put(root.relativize(p).toString(), Files.readString(p));
      }
    }
    return files;
  }

  private TrackerBridge bridge(TrackerProvider provider, Path root, int page) {
    return new TrackerBridge(backlog, provider, root.resolve("cursor.json"), page);
  }

  @Test
  void theBridgeMirrorsEveryCardWithStatusDependenciesEventsAndTheRoadmap() throws IOException {
    Path root = tmp.resolve("a");
    LocalTrackerProvider provider = new LocalTrackerProvider(root, clock);
    BridgeReport report = bridge(provider, root, 3).pump();
    int total = backlog.events(dev.backlog.core.EventQuery.after(0, 1000)).size();
    assertEquals(total, report.events());
    assertEquals(total, report.cursor());
    assertEquals(
        FeatureStatus.COMPLETE, provider.getFeature(CardId.of("LEX-1")).orElseThrow().status());
    Feature parser = provider.getFeature(CardId.of("PARSE-1")).orElseThrow();
    assertEquals(FeatureStatus.IN_PROGRESS, parser.status());
    assertEquals("[\"parses comments\"]", parser.acceptance());
    assertEquals(
        FeatureStatus.BLOCKED, provider.getFeature(CardId.of("DOCS-1")).orElseThrow().status());
    assertEquals(
        List.of(CardId.of("PARSE-1")),
        List.copyOf(provider.getFeature(CardId.of("OPS-1")).orElseThrow().dependsOn()));
    List<String> types =
        provider.readEvents(CardId.of("LEX-1")).stream().map(FeatureEvent::type).toList();
    assertEquals(List.of("created", "claimed", "completed"), types);
    assertTrue(Files.isRegularFile(root.resolve("features/LEX-1/feature.json")));
    assertTrue(Files.isRegularFile(root.resolve("features/LEX-1/events.jsonl")));
    String roadmap = Files.readString(root.resolve("ROADMAP.md"));
    assertTrue(roadmap.contains("| OPS-1 | Deploy | planned | PARSE-1 |"), roadmap);
    assertTrue(roadmap.contains("## Phase: alpha (1/2 complete)"), roadmap);
  }

  @Test
  void anUpdateOfTitleBodyAndPhaseIsMirroredWithItsEvent() throws IOException {
    Path root = tmp.resolve("u");
    LocalTrackerProvider provider = new LocalTrackerProvider(root, clock);
    bridge(provider, root, 10).pump();
    backlog.update(
        CardId.of("OPS-1"),
        dev.backlog.core.CardUpdate.builder()
            .title("Deploy to staging")
            .body("Runbook in ops/")
            .phase("gamma")
            .build(),
        null);
    BridgeReport report = bridge(provider, root, 10).pump();
    assertEquals(1, report.events());
    Feature ops = provider.getFeature(CardId.of("OPS-1")).orElseThrow();
    assertEquals("Deploy to staging", ops.title());
    assertEquals("Runbook in ops/", ops.body());
    assertEquals("gamma", ops.phase());
    List<FeatureEvent> events = provider.readEvents(CardId.of("OPS-1"));
    FeatureEvent last = events.get(events.size() - 1);
    assertEquals("updated", last.type());
    assertTrue(last.data().contains("\"title\":\"Deploy to staging\""), last.data());
    String roadmap = Files.readString(root.resolve("ROADMAP.md"));
    assertTrue(roadmap.contains("Deploy to staging"), roadmap);
  }

  @Test
  void pumpingAgainAndReplayingAfterACrashBeforeTheCursorWriteGiveTheSameBytes()
      throws IOException {
    Path root = tmp.resolve("b");
    LocalTrackerProvider provider = new LocalTrackerProvider(root, clock);
    Path cursor = root.resolve("cursor.json");
    bridge(provider, root, 4).pump();
    SortedMap<String, String> once = snapshot(root);

    assertEquals(0, bridge(provider, root, 4).pump().events());
    assertEquals(once, snapshot(root), "a second pump changes nothing");

    // the process died after applying everything but before the cursor reached the disk
    Files.delete(cursor);
    assertTrue(bridge(provider, root, 4).pump().events() > 0);
    assertEquals(once, snapshot(root), "replaying from the start gives the same bytes");

    // a corrupt cursor is reported and replayed from the start, with the same result
    Files.writeString(cursor, "{\"afterSeq\": \"garbage");
    bridge(new LocalTrackerProvider(root, clock), root, 4).pump();
    assertEquals(once, snapshot(root));
  }

  @Test
  void aCrashInTheMiddleOfAPageIsRepairedByTheNextPump() throws IOException {
    Path clean = tmp.resolve("clean");
    bridge(new LocalTrackerProvider(clean, clock), clean, 5).pump();

    Path crashed = tmp.resolve("crashed");
    for (int crashAfter : new int[] {1, 3, 6}) {
      CrashingProvider dying =
          new CrashingProvider(new LocalTrackerProvider(crashed, clock), crashAfter);
      assertThrows(IllegalStateException.class, () -> bridge(dying, crashed, 5).pump());
    }
    bridge(new LocalTrackerProvider(crashed, clock), crashed, 5).pump();
    assertEquals(snapshot(clean), snapshot(crashed));
  }

  @Test
  void theObserverHearsEveryEventInTurnAndOneThatStopsThePumpLeavesTheCursorForTheRerun()
      throws IOException {
    Path root = tmp.resolve("observed");
    LocalTrackerProvider provider = new LocalTrackerProvider(root, clock);
    Path cursor = root.resolve("cursor.json");
    List<Long> heard = new ArrayList<>();
    assertThrows(
        IllegalStateException.class,
        () ->
            bridge(provider, root, 5)
                .pumpObserved(
                    n -> {
                      heard.add(n);
                      if (n == 3) {
                        throw new IllegalStateException("stopped after 3 events");
                      }
                    }));
    assertEquals(List.of(1L, 2L, 3L), heard);
    assertTrue(Files.notExists(cursor), "stopped inside the first page: no cursor written");

    heard.clear();
    BridgeReport report = bridge(provider, root, 5).pumpObserved(heard::add);
    long total = backlog.events(dev.backlog.core.EventQuery.after(0, 1000)).size();
    assertEquals(total, report.events(), "the rerun starts from the beginning");
    assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), heard);
  }

  @Test
  void newEventsAfterAPumpAreAppliedAndTrackerOnlyFieldsSurvive() throws IOException {
    Path root = tmp.resolve("c");
    LocalTrackerProvider provider = new LocalTrackerProvider(root, clock);
    TrackerBridge bridge = bridge(provider, root, 100);
    bridge.pump();
    Feature docs = provider.getFeature(CardId.of("DOCS-1")).orElseThrow();
    provider.putFeature(docs.toBuilder().field("complexity", "2").build());
    backlog.unblock(CardId.of("DOCS-1"));
    BridgeReport report = bridge.pump();
    assertEquals(1, report.events());
    Feature after = provider.getFeature(CardId.of("DOCS-1")).orElseThrow();
    assertEquals(FeatureStatus.PLANNED, after.status());
    assertEquals(Optional.of("2"), after.field("complexity"));
    assertEquals(bridge.cursor(), report.cursor());
  }

  @Test
  void aCorruptFeatureFileIsRewrittenFromTheCard() throws IOException {
    Path root = tmp.resolve("d");
    LocalTrackerProvider provider = new LocalTrackerProvider(root, clock);
    TrackerBridge bridge = bridge(provider, root, 100);
    bridge.pump();
    SortedMap<String, String> good = snapshot(root);
    Files.writeString(root.resolve("features/OPS-1/feature.json"), "{\"code\": \"OPS-1\", \"tit");
    Files.delete(root.resolve("cursor.json"));
    bridge.pump();
    assertEquals(good, snapshot(root));
  }

  @Test
  void healthAndSyncOfTheLocalProviderReportNothingPendingAndTheLastSync() {
    LocalTrackerProvider provider = new LocalTrackerProvider(tmp.resolve("e"), clock);
    assertEquals(
        new TrackerHealth(
            "local", "local files under " + tmp.resolve("e").toAbsolutePath(), 0, 0, 0, null),
        provider.health());
    assertEquals(SyncReport.EMPTY, provider.sync());
    assertEquals(Optional.of(clock.instant()), provider.health().lastSyncTime());
    ChangelogSplice splice = provider.appendChangelog(ChangelogEntry.of("LEX-1", "0.1.0", "Lexer"));
    assertEquals(ChangelogSplice.Action.NEW_FILE, splice.action());
  }

  /**
   * A provider that dies (throws) on the n-th event append, as a process killed mid-page would
   * stop.
   */
  private static final class CrashingProvider implements TrackerProvider {
    private final TrackerProvider delegate;
    private final AtomicInteger left;

    CrashingProvider(TrackerProvider delegate, int appendsBeforeCrash) {
      this.delegate = delegate;
      this.left = new AtomicInteger(appendsBeforeCrash);
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
      if (left.getAndDecrement() <= 0) {
        throw new IllegalStateException("simulated crash before appending " + event.id());
      }
      return delegate.appendEvent(event);
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
  }
}
