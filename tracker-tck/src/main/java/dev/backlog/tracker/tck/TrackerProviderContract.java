package dev.backlog.tracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.ErrorCategory;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogFormatException;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureExistsException;
import dev.backlog.tracker.FeatureNotFoundException;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.StatusTransitionException;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link TrackerProvider} must pass. Extend it with a class that has a
 * no-argument constructor and implements {@link #newProvider(Path)}:
 *
 * <pre>{@code
 * class LocalTrackerProviderTest extends TrackerProviderContract {
 *   protected TrackerProvider newProvider(Path dir) { return new LocalTrackerProvider(dir, InstantSource.system()); }
 * }
 * }</pre>
 *
 * It checks round trips of every feature field, the write verbs and their policy, idempotent event
 * appends, the changelog splice cases, the roadmap, durability across instances, and that 8 threads
 * in each of 2 processes appending events to one feature lose none. The second process is a JVM
 * started from {@code java.home} with this test's class path; it creates the subclass reflectively.
 *
 * <p>Not thread-safe; JUnit creates one instance per test.
 */
public abstract class TrackerProviderContract {

  /** A fresh directory per test, handed to {@link #newProvider(Path)}. */
  @TempDir protected Path dir;

  private final List<TrackerProvider> opened = new ArrayList<>();

  /**
   * Opens the provider under test on {@code dir}. Two providers opened on the same directory (in
   * one process or in two) must share their state, as two hosts sharing a tracker would.
   */
  protected abstract TrackerProvider newProvider(Path dir);

  /** Threads per process in the concurrent append check. */
  protected int appendThreads() {
    return 8;
  }

  /** Events each thread appends in the concurrent append check. */
  protected int appendsPerThread() {
    return 20;
  }

  /** The provider under test on this test's directory. */
  protected TrackerProvider provider;

  @BeforeEach
  void openProvider() {
    provider = open();
  }

  @AfterEach
  void closeProviders() {
    for (TrackerProvider p : opened) {
      p.close();
    }
  }

  /** Opens another provider on this test's directory; closed after the test. */
  protected TrackerProvider open() {
    TrackerProvider p = newProvider(dir);
    assertNotNull(p, "newProvider returned null");
    opened.add(p);
    return p;
  }

  private static Feature full(String code) {
    return Feature.builder(code, "Parser for " + code + " — ünïcode | pipes")
        .phase("phase 1")
        .status(FeatureStatus.PLANNED)
        .dependsOn("DEP-1", "DEP.2")
        .body("line one\n\n  indented line\n# not a heading")
        .acceptance("{\"criteria\":[\"parses\",\"rejects junk\"],\"owner\":null}")
        .field("complexity", "3")
        .field("profile", "{\"needsReview\":true,\"steps\":[\"a\",\"b\"]}")
        .field("note", "\"a \\\"quoted\\\" note\"")
        .build();
  }

  private static Feature minimal(String code) {
    return Feature.builder(code, "Minimal " + code).build();
  }

  private static FeatureEvent event(String id, String code) {
    return new FeatureEvent(
        id,
        CardId.of(code),
        "note",
        "tester",
        Instant.parse("2026-11-23T10:00:00Z"),
        "{\"id\":\"" + id + "\"}");
  }

  @Test
  @DisplayName("a created feature reads back with every field, tracker-only fields included")
  void createdFeatureRoundTripsEveryField() {
    Feature full = full("A1");
    Feature minimal = minimal("B:2");
    assertEquals(full, provider.createFeature(full));
    provider.createFeature(minimal);
    assertEquals(Optional.of(full), provider.getFeature(full.code()));
    assertEquals(Optional.of(minimal), provider.getFeature(minimal.code()));
    assertEquals(Optional.empty(), provider.getFeature(CardId.of("NOPE")));
  }

  @Test
  @DisplayName("features are listed sorted by code")
  void featuresAreListedSortedByCode() {
    provider.createFeature(minimal("C3"));
    provider.createFeature(full("A1"));
    provider.createFeature(minimal("B2"));
    assertEquals(
        List.of("A1", "B2", "C3"),
        provider.listFeatures().stream().map(f -> f.code().value()).toList());
  }

  @Test
  @DisplayName(
      "another provider instance on the same storage sees the same features, events and changelog")
  void anotherInstanceSeesTheSameState() {
    provider.createFeature(full("A1"));
    provider.appendEvent(event("e1", "A1"));
    provider.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser"));
    TrackerProvider second = open();
    assertEquals(provider.getFeature(CardId.of("A1")), second.getFeature(CardId.of("A1")));
    assertEquals(List.of(event("e1", "A1")), second.readEvents(CardId.of("A1")));
    assertEquals(provider.getChangelog(), second.getChangelog());
  }

  @Test
  @DisplayName("creating a feature whose code exists is refused and changes nothing")
  void createRefusesAnExistingCode() {
    Feature original = full("A1");
    provider.createFeature(original);
    FeatureExistsException e =
        assertThrows(FeatureExistsException.class, () -> provider.createFeature(minimal("A1")));
    assertEquals(ErrorCategory.CONFLICT, e.code().category());
    assertEquals(Optional.of(original), provider.getFeature(original.code()));
  }

  @Test
  @DisplayName(
      "putFeature overwrites every field, tracker-only fields included, but keeps no stale field")
  void putOverwritesEveryField() {
    provider.createFeature(full("A1"));
    Feature next = Feature.builder("A1", "Renamed").field("complexity", "5").build();
    assertEquals(next, provider.putFeature(next));
    assertEquals(Optional.of(next), provider.getFeature(CardId.of("A1")));
    assertTrue(provider.readEvents(CardId.of("A1")).isEmpty(), "putFeature appends no event");
  }

  @Test
  @DisplayName("putFeature refuses a status change and a missing feature, changing nothing")
  void putRefusesAStatusChangeAndAMissingFeature() {
    Feature original = full("A1");
    provider.createFeature(original);
    StatusTransitionException e =
        assertThrows(
            StatusTransitionException.class,
            () ->
                provider.putFeature(
                    original.toBuilder().title("x").status(FeatureStatus.COMPLETE).build()));
    assertEquals(FeatureStatus.PLANNED, e.from());
    assertEquals(FeatureStatus.COMPLETE, e.to());
    assertEquals(Optional.of(original), provider.getFeature(original.code()));
    FeatureNotFoundException missing =
        assertThrows(FeatureNotFoundException.class, () -> provider.putFeature(minimal("Z9")));
    assertEquals(ErrorCategory.NOT_FOUND, missing.code().category());
    assertEquals(Optional.empty(), provider.getFeature(CardId.of("Z9")));
  }

  @Test
  @DisplayName("persistRaw writes any status, creates missing features and appends no event")
  void persistRawAppliesNoPolicyAndNoEvents() {
    Feature complete = full("A1").withStatus(FeatureStatus.COMPLETE);
    provider.persistRaw(complete);
    Feature backToWork = complete.withStatus(FeatureStatus.IN_PROGRESS);
    assertEquals(backToWork, provider.persistRaw(backToWork));
    assertEquals(Optional.of(backToWork), provider.getFeature(complete.code()));
    assertTrue(provider.readEvents(complete.code()).isEmpty());
  }

  @Test
  @DisplayName("setStatus follows the policy, appends one status event and re-renders the roadmap")
  void setStatusAppendsAnEventAndRendersTheRoadmap() {
    provider.createFeature(full("A1"));
    Feature moved = provider.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    assertEquals(full("A1").withStatus(FeatureStatus.IN_PROGRESS), moved);
    assertEquals(Optional.of(moved), provider.getFeature(CardId.of("A1")));
    List<FeatureEvent> events = provider.readEvents(CardId.of("A1"));
    assertEquals(1, events.size());
    assertEquals("status", events.get(0).type());
    assertEquals("w1", events.get(0).actor());
    assertTrue(
        events.get(0).data().contains("\"from\":\"planned\"")
            && events.get(0).data().contains("\"to\":\"in_progress\""),
        events.get(0).data());
    assertTrue(provider.renderRoadmap().contains("in_progress"));
    provider.setStatus(CardId.of("A1"), FeatureStatus.COMPLETE, "w1");
    provider.setStatus(CardId.of("A1"), FeatureStatus.PLANNED, "admin");
    assertEquals(3, provider.readEvents(CardId.of("A1")).size());
  }

  @Test
  @DisplayName("setStatus refuses a transition the policy forbids and changes nothing")
  void setStatusRefusesForbiddenTransitions() {
    provider.createFeature(full("A1").withStatus(FeatureStatus.COMPLETE));
    String roadmap = provider.renderRoadmap();
    StatusTransitionException e =
        assertThrows(
            StatusTransitionException.class,
            () -> provider.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1"));
    assertEquals(ErrorCategory.CONFLICT, e.code().category());
    assertEquals(
        FeatureStatus.COMPLETE, provider.getFeature(CardId.of("A1")).orElseThrow().status());
    assertTrue(provider.readEvents(CardId.of("A1")).isEmpty());
    assertEquals(roadmap, provider.renderRoadmap());
    assertThrows(
        FeatureNotFoundException.class,
        () -> provider.setStatus(CardId.of("Z9"), FeatureStatus.PLANNED, "w"));
  }

  @Test
  @DisplayName("setStatus to the current status changes nothing and appends nothing")
  void setStatusToTheCurrentStatusIsANoOp() {
    provider.createFeature(full("A1"));
    assertEquals(full("A1"), provider.setStatus(CardId.of("A1"), FeatureStatus.PLANNED, "w1"));
    assertTrue(provider.readEvents(CardId.of("A1")).isEmpty());
  }

  @Test
  @DisplayName("appending an event is idempotent by id and keeps the append order")
  void appendEventIsIdempotentById() {
    provider.createFeature(minimal("A1"));
    assertTrue(provider.appendEvent(event("e2", "A1")));
    assertTrue(provider.appendEvent(event("e1", "A1")));
    assertFalse(provider.appendEvent(event("e2", "A1")));
    assertFalse(open().appendEvent(event("e1", "A1")), "idempotent across instances too");
    assertEquals(
        List.of(event("e2", "A1"), event("e1", "A1")), provider.readEvents(CardId.of("A1")));
    assertEquals(List.of(), provider.readEvents(CardId.of("NOPE")));
    assertThrows(FeatureNotFoundException.class, () -> provider.appendEvent(event("e3", "NOPE")));
  }

  @Test
  @DisplayName("the changelog is empty at first and put/get round-trips any text")
  void changelogRoundTrips() {
    assertEquals("", provider.getChangelog());
    String text = "# Changelog\n\nHand-written intro — ünïcode.\n";
    provider.putChangelog(text);
    assertEquals(text, provider.getChangelog());
    assertEquals(text, open().getChangelog());
  }

  @Test
  @DisplayName(
      "appendChangelog starts a file, is idempotent per code and version, and force replaces")
  void appendChangelogSplices() {
    ChangelogSplice first = provider.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser"));
    assertEquals(ChangelogSplice.Action.NEW_FILE, first.action());
    String afterFirst = provider.getChangelog();
    assertEquals(first.content(), afterFirst);
    assertEquals(
        ChangelogSplice.Action.UNCHANGED,
        provider.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser again")).action());
    assertEquals(afterFirst, provider.getChangelog());
    assertEquals(
        ChangelogSplice.Action.APPENDED,
        provider.appendChangelog(ChangelogEntry.of("B2", "1.0.0", "Lexer")).action());
    assertEquals(
        ChangelogSplice.Action.NEW_SECTION,
        provider.appendChangelog(ChangelogEntry.of("A1", "1.1.0", "Nested comments")).action());
    assertEquals(
        ChangelogSplice.Action.REPLACED,
        provider
            .appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser, rewritten").forced())
            .action());
    assertEquals(
        "# Changelog\n\n## 1.1.0\n\n- **A1** Nested comments\n\n## 1.0.0\n\n- **A1** Parser, rewritten\n"
            + "- **B2** Lexer\n",
        provider.getChangelog());
  }

  @Test
  @DisplayName(
      "appendChangelog refuses a changelog whose first line is not '# Changelog' and leaves it as it was")
  void appendChangelogRefusesAForeignFile() {
    provider.putChangelog("Release notes\n\n## 1.0.0\n");
    ChangelogFormatException e =
        assertThrows(
            ChangelogFormatException.class,
            () -> provider.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser")));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("Release notes"), e.getMessage());
    assertEquals("Release notes\n\n## 1.0.0\n", provider.getChangelog());
  }

  @Test
  @DisplayName(
      "the roadmap shows every feature by phase with its status and dependencies, the same on every render")
  void roadmapShowsPhasesStatusesAndDependencies() {
    provider.createFeature(Feature.builder("A1", "Parser").phase("alpha").dependsOn("B2").build());
    provider.createFeature(
        Feature.builder("B2", "Lexer").phase("alpha").status(FeatureStatus.COMPLETE).build());
    provider.createFeature(Feature.builder("C3", "Docs").status(FeatureStatus.BLOCKED).build());
    String roadmap = provider.renderRoadmap();
    assertTrue(
        roadmap.contains("alpha")
            && roadmap.contains("| A1 | Parser | planned | B2 |")
            && roadmap.contains("| B2 | Lexer | complete | - |")
            && roadmap.contains("| C3 | Docs | blocked | - |"),
        roadmap);
    assertEquals(roadmap, provider.renderRoadmap());
    assertEquals(roadmap, open().renderRoadmap());
  }

  @Test
  @DisplayName("health names the provider and a canonical source; sync succeeds on a fresh tracker")
  void healthAndSync() {
    TrackerHealth health = provider.health();
    assertEquals(provider.id(), health.provider());
    assertFalse(health.canonicalSource().isBlank());
    assertEquals(0, health.conflicts());
    assertEquals(0, health.quarantined());
    SyncReport report = provider.sync();
    assertEquals(0, report.quarantined());
    assertEquals(0, report.conflicted());
  }

  @Test
  @Tag("slow")
  @DisplayName(
      "8 threads in each of 2 processes appending events to one feature lose none and duplicate none")
  void concurrentAppendsFromThreadsAndProcessesLoseNothing() throws Exception {
    CardId code = CardId.of("HOT-1");
    provider.createFeature(minimal(code.value()));
    int threads = appendThreads();
    int each = appendsPerThread();
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            javaBin,
            "-cp",
            System.getProperty("java.class.path"),
            ForkedAppender.class.getName(),
            getClass().getName(),
            dir.toString(),
            code.value(),
            String.valueOf(threads),
            String.valueOf(each),
            "child");
    builder.redirectErrorStream(true);
    File log = File.createTempFile("tracker-tck-child", ".log");
    log.deleteOnExit();
    builder.redirectOutput(log);
    Process child = builder.start();
    try {
      ForkedAppender.append(provider, code, threads, each, "parent");
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child process finished within 120 s");
      String output = readLog(log);
      assertEquals(0, child.exitValue(), "child process failed:\n" + output);
    } finally {
      child.destroyForcibly();
      java.nio.file.Files.deleteIfExists(log.toPath());
    }
    List<FeatureEvent> events = open().readEvents(code);
    Set<String> ids = new HashSet<>();
    events.forEach(e -> ids.add(e.id()));
    assertEquals(2 * threads * each, events.size(), "every append landed exactly once");
    assertEquals(events.size(), ids.size(), "no id appears twice");
    for (String prefix : List.of("parent", "child")) {
      for (int t = 0; t < threads; t++) {
        for (int n = 0; n < each; n++) {
          assertTrue(
              ids.contains(prefix + "-" + t + "-" + n), "missing " + prefix + "-" + t + "-" + n);
        }
      }
    }
    assertFalse(provider.appendEvent(events.get(events.size() / 2)));
  }

  private static String readLog(File log) throws IOException {
    return java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
  }
}
