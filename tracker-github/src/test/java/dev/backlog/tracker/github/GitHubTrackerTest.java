package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.github.fake.FakeComment;
import dev.backlog.tracker.github.fake.FakeIssue;
import dev.backlog.tracker.github.internal.Markers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubTrackerTest {

  @TempDir Path dir;
  GitHubTestHarness gh;
  GitHubTracker tracker;

  @BeforeEach
  void start() {
    gh = new GitHubTestHarness(dir);
    tracker = gh.open();
  }

  @AfterEach
  void stop() {
    tracker.close();
    gh.close();
  }

  private static Feature parser() {
    return Feature.builder("A1", "Parser")
        .phase("alpha")
        .dependsOn("B2")
        .body("Parses the input.\n\nAll of it.")
        .acceptance("[\"parses\"]")
        .field("complexity", "3")
        .build();
  }

  private static FeatureEvent event(String id, String code) {
    return new FeatureEvent(
        id,
        CardId.of(code),
        "note",
        "tester",
        Instant.parse("2026-11-23T09:00:00Z"),
        "{\"text\":\"a --> b <!-- c\"}");
  }

  @Test
  void aFeatureBecomesOneIssueWithTitleMarkerAndLabelsOnSync() {
    tracker.createFeature(parser());
    assertTrue(gh.issues().isEmpty(), "writes wait in the op-log until a sync");
    SyncReport report = tracker.sync();
    assertEquals(0, report.remaining());
    FakeIssue issue = gh.issue("A1");
    assertEquals("[A1] Parser", issue.title());
    assertTrue(
        issue.body().startsWith("Parses the input.\n\nAll of it.\n\n<!--backlog:feature {"),
        issue.body());
    assertEquals(
        Optional.of(CardId.of("A1")),
        Markers.featureMarker(issue.body()).map(Markers.FeatureMarker::code));
    assertEquals(Set.of("backlog", "status:planned"), Set.copyOf(issue.labels()));
    assertEquals("open", issue.state());
    assertEquals(Optional.of(parser()), tracker.getFeature(CardId.of("A1")));
    assertEquals(0, tracker.sync().drained(), "a second sync has nothing to send");
    assertEquals(1, gh.issues().size());
  }

  @Test
  void statusChangesMoveTheStatusLabelKeepHumanLabelsAndCloseOnComplete() {
    tracker.createFeature(parser());
    tracker.sync();
    FakeIssue created = gh.issue("A1");
    gh.fake.editIssue(
        "o",
        "r",
        created.number(),
        null,
        null,
        List.of("backlog", "status:planned", "good first issue"),
        null);
    tracker.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    tracker.sync();
    assertEquals(
        new TreeSet<>(Set.of("backlog", "status:in_progress", "good first issue")),
        new TreeSet<>(gh.issue("A1").labels()));
    assertEquals("open", gh.issue("A1").state());
    tracker.setStatus(CardId.of("A1"), FeatureStatus.COMPLETE, "w1");
    tracker.sync();
    FakeIssue done = gh.issue("A1");
    assertEquals("closed", done.state());
    assertEquals(
        new TreeSet<>(Set.of("backlog", "status:complete", "good first issue")),
        new TreeSet<>(done.labels()));
    tracker.setStatus(CardId.of("A1"), FeatureStatus.PLANNED, "admin");
    tracker.sync();
    assertEquals("open", gh.issue("A1").state());
    assertEquals(0, tracker.health().conflicts(), "labels a person added are no conflict");
  }

  @Test
  void aFeatureCreatedCompleteIsClosedAtOnce() {
    tracker.createFeature(parser().withStatus(FeatureStatus.COMPLETE));
    tracker.sync();
    assertEquals("closed", gh.issue("A1").state());
    assertTrue(gh.issue("A1").labels().contains("status:complete"));
  }

  @Test
  void eachEventBecomesOneCommentWithItsIdInTheMarkerAndIsPostedOnce() {
    tracker.createFeature(parser());
    assertTrue(tracker.appendEvent(event("e1", "A1")));
    assertFalse(tracker.appendEvent(event("e1", "A1")));
    tracker.sync();
    tracker.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    assertTrue(tracker.appendEvent(event("e2", "A1")));
    tracker.sync();
    tracker.sync();
    List<FakeComment> comments = gh.issue("A1").comments();
    assertEquals(3, comments.size(), comments.toString());
    assertEquals(Optional.of("e1"), Markers.eventId(comments.get(0).body()));
    assertTrue(Markers.eventId(comments.get(1).body()).orElseThrow().startsWith("status-"));
    assertEquals(Optional.of("e2"), Markers.eventId(comments.get(2).body()));
    assertEquals(
        Optional.of(event("e1", "A1")),
        Markers.event(comments.get(0).body()),
        "the marker keeps the whole event, even data holding '-->'");
    assertEquals(3, tracker.readEvents(CardId.of("A1")).size());
  }

  @Test
  void manyFeaturesAndEventsSyncOnceEachAndAPersonsEditOnAnyIssueIsPulled() {
    for (int i = 0; i < 35; i++) {
      tracker.createFeature(Feature.builder("F" + i, "Feature " + i).build());
    }
    tracker.sync();
    assertEquals(35, gh.issues().size());
    for (int i = 0; i < 35; i++) {
      tracker.appendEvent(event("e" + i, "F0"));
    }
    tracker.sync();
    assertEquals(35, gh.issue("F0").comments().size());
    GitHubTracker second = gh.open();
    gh.fake.editIssue(
        "o", "r", gh.issue("F34").number(), "[F34] Renamed on GitHub", null, null, null);
    second.sync();
    assertEquals(
        "Renamed on GitHub",
        second.getFeature(CardId.of("F34")).orElseThrow().title(),
        "an edit by a person on an issue beyond the first page is pulled");
    assertEquals(35, gh.issues().size());
    assertEquals(35, gh.issue("F0").comments().size());
  }

  @Test
  void aPersonsEditIsPulledAndABothSidesEditGoesToTheLedger() {
    tracker.createFeature(parser());
    tracker.sync();
    int number = gh.issue("A1").number();
    String markerPart =
        gh.issue("A1").body().substring(gh.issue("A1").body().indexOf("<!--backlog:feature"));
    gh.fake.editIssue("o", "r", number, null, "Edited by a person.\n\n" + markerPart, null, null);
    tracker.sync();
    assertEquals("Edited by a person.", tracker.getFeature(CardId.of("A1")).orElseThrow().body());
    assertEquals(0, tracker.health().conflicts());

    gh.fake.editIssue("o", "r", number, "[A1] Title from GitHub", null, null, null);
    tracker.putFeature(
        tracker.getFeature(CardId.of("A1")).orElseThrow().toBuilder()
            .title("Title from here")
            .build());
    SyncReport report = tracker.sync();
    assertEquals(1, report.conflicted());
    assertEquals(1, tracker.health().conflicts());
    assertEquals("title", tracker.conflicts().get(0).field());
    assertEquals(
        "[A1] Title from GitHub", gh.issue("A1").title(), "the remote side is not overwritten");
    assertTrue(tracker.resolveConflict(CardId.of("A1"), "title", "Title from GitHub"));
    assertFalse(
        tracker.resolveConflict(CardId.of("A1"), "title", "again"), "nothing left to settle");
    tracker.sync();
    assertEquals(0, tracker.health().conflicts());
    assertEquals("Title from GitHub", tracker.getFeature(CardId.of("A1")).orElseThrow().title());
    assertEquals("[A1] Title from GitHub", gh.issue("A1").title());

    gh.fake.editIssue("o", "r", number, "[A1] Second remote title", null, null, null);
    tracker.putFeature(
        tracker.getFeature(CardId.of("A1")).orElseThrow().toBuilder()
            .title("Second local title")
            .build());
    tracker.sync();
    assertTrue(tracker.resolveConflict(CardId.of("A1"), "title", "Second local title"));
    tracker.sync();
    assertEquals(0, tracker.health().conflicts());
    assertEquals(
        "[A1] Second local title", gh.issue("A1").title(), "the chosen local value is pushed");
  }

  @Test
  void theProvidersOwnCommentsAndLabelsNeverLookLikeARemoteEdit() {
    tracker.createFeature(parser());
    for (int i = 0; i < 5; i++) {
      tracker.appendEvent(event("e" + i, "A1"));
      tracker.sync();
    }
    gh.fake.addComment("o", "r", gh.issue("A1").number(), "a person's comment", "someone");
    tracker.putFeature(parser().toBuilder().title("Parser v2").build());
    SyncReport report = tracker.sync();
    assertEquals(0, report.conflicted());
    assertEquals("[A1] Parser v2", gh.issue("A1").title());
    assertEquals(0, tracker.health().conflicts());
  }

  @Test
  void anUpdateOfTitleBodyAndPhaseReachesTheIssueThroughTheBridge() {
    try (dev.backlog.core.Backlog backlog =
        dev.backlog.core.Backlog.builder()
            .store(
                new dev.backlog.core.memory.InMemoryBacklogStore(java.time.InstantSource.system()))
            .build()) {
      backlog.create(
          dev.backlog.core.NewCard.builder("U1").title("Old").body("old body").phase("a").build());
      dev.backlog.tracker.TrackerBridge bridge =
          new dev.backlog.tracker.TrackerBridge(backlog, tracker, dir.resolve("cursor.json"), 10);
      bridge.pump();
      tracker.sync();
      assertEquals("[U1] Old", gh.issue("U1").title());
      backlog.update(
          CardId.of("U1"),
          dev.backlog.core.CardUpdate.builder().title("New").body("new body").phase("b").build(),
          null);
      bridge.pump();
      tracker.sync();
      FakeIssue issue = gh.issue("U1");
      assertEquals("[U1] New", issue.title());
      assertTrue(issue.body().startsWith("new body\n\n<!--backlog:feature {"), issue.body());
      Markers.FeatureMarker marker = Markers.featureMarker(issue.body()).orElseThrow();
      Feature mirrored =
          Markers.featureOf(marker, issue.title(), issue.body(), FeatureStatus.PLANNED);
      assertEquals("b", mirrored.phase());
      assertTrue(
          issue.comments().stream().anyMatch(c -> c.body().contains("updated")),
          "the updated event is posted as a comment: " + issue.comments());
    }
  }

  @Test
  void persistRawCreatesTheIssueAndFieldsWithoutAPlaceOnAnIssueTravelInTheMarker() {
    tracker.persistRaw(Feature.builder("C3", "Docs").status(FeatureStatus.BLOCKED).build());
    tracker.sync();
    assertEquals(Set.of("backlog", "status:blocked"), Set.copyOf(gh.issue("C3").labels()));
    assertTrue(tracker.readEvents(CardId.of("C3")).isEmpty(), "persistRaw appends no event");
    Feature next =
        Feature.builder("C3", "Docs")
            .status(FeatureStatus.BLOCKED)
            .dependsOn("A1")
            .phase("beta")
            .field("owner", "\"ana\"")
            .build();
    tracker.persistRaw(next);
    tracker.sync();
    Markers.FeatureMarker marker = Markers.featureMarker(gh.issue("C3").body()).orElseThrow();
    FakeIssue issue = gh.issue("C3");
    assertEquals(
        next,
        Markers.featureOf(marker, issue.title(), issue.body(), FeatureStatus.BLOCKED),
        "the issue alone is enough to rebuild the feature");
    assertTrue(gh.issue("C3").comments().isEmpty());
  }

  @Test
  void aSecondHostWithItsOwnStateLinksTheExistingIssueAndPostsNoEventTwice() {
    tracker.createFeature(parser());
    tracker.appendEvent(event("backlog-1", "A1"));
    tracker.sync();
    GitHubTracker other =
        GitHubTracker.open(
            gh.context(
                gh.settings("")
                    .replace(
                        dir.resolve("state").toString(), dir.resolve("other-state").toString())),
            gh.runtime());
    other.createFeature(parser());
    other.appendEvent(event("backlog-1", "A1"));
    other.appendEvent(event("backlog-2", "A1"));
    other.sync();
    assertEquals(1, gh.issues().size(), "the issue is found by its marker, not created again");
    List<String> ids =
        gh.issue("A1").comments().stream().map(c -> Markers.eventId(c.body()).orElse("?")).toList();
    assertEquals(List.of("backlog-1", "backlog-2"), ids);
    assertEquals(0, other.health().conflicts(), "equal values on both sides are no conflict");
  }

  @Test
  void healthNamesTheRepositoryCountsPendingOpsAndTheLastSync() {
    assertEquals("github", tracker.health().provider());
    assertTrue(tracker.health().canonicalSource().contains("o/r"));
    tracker.createFeature(parser());
    assertTrue(tracker.health().pendingOps() > 0);
    assertTrue(tracker.health().lastSyncTime().isEmpty());
    tracker.sync();
    assertEquals(0, tracker.health().pendingOps());
    assertEquals(Optional.of(gh.clock.instant()), tracker.health().lastSyncTime());
  }
}
