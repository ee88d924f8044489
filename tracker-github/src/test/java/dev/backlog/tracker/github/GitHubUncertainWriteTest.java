package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.github.fake.FakeIssue;
import dev.backlog.tracker.github.fake.Fault;
import dev.backlog.tracker.github.fake.Project;
import dev.backlog.tracker.github.internal.Markers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubUncertainWriteTest {

  @TempDir Path dir;
  GitHubTestHarness gh;

  @BeforeEach
  void start() {
    gh = new GitHubTestHarness(dir);
  }

  @AfterEach
  void stop() {
    gh.close();
  }

  private static FeatureEvent event(String id) {
    return new FeatureEvent(
        id, CardId.of("A1"), "note", "tester", Instant.parse("2026-11-23T09:00:00Z"), "{}");
  }

  private void syncUntilDrained(GitHubTracker tracker) {
    for (int i = 0; i < 5 && tracker.health().pendingOps() > 0; i++) {
      tracker.sync();
    }
    assertEquals(0, tracker.health().pendingOps());
  }

  @Test
  void aCreateIssueWhoseResponseIsLostIsFoundByItsMarkerAndNotDuplicated() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(Feature.builder("A1", "Parser").status(FeatureStatus.COMPLETE).build());
    gh.fake.inject(Fault.commitThenDrop("POST", "/repos/o/r/issues"));
    tracker.sync();
    assertEquals(0, gh.fake.pendingFaults(), "the fault fired");
    syncUntilDrained(tracker);
    assertEquals(1, gh.issues().size(), gh.issues().toString());
    FakeIssue issue = gh.issue("A1");
    assertEquals("closed", issue.state(), "the found issue is brought up to date");
    long posts =
        gh.fake.requests().stream()
            .filter(r -> r.method().equals("POST") && r.pathAndQuery().equals("/repos/o/r/issues"))
            .count();
    assertEquals(1, posts, "no second POST after the lost answer");
    assertEquals(0, tracker.health().quarantined());
  }

  @Test
  void aLostCreateThatCouldNotBeLookedUpYetIsResolvedByTheNextProviderInstance() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    gh.fake.inject(Fault.commitThenDrop("POST", "/repos/o/r/issues"));
    gh.fake.inject(Fault.serverError("GET", "/repos/o/r/issues", 503));
    gh.fake.inject(Fault.serverError("GET", "/repos/o/r/issues", 503));
    gh.fake.inject(Fault.serverError("GET", "/repos/o/r/issues", 503));
    gh.fake.inject(Fault.serverError("GET", "/repos/o/r/issues", 503));
    tracker.sync();
    tracker.close();
    GitHubTracker reopened = gh.open();
    syncUntilDrained(reopened);
    assertEquals(1, gh.issues().size(), gh.issues().toString());
  }

  @Test
  void aCommentWhoseResponseIsLostIsFoundInThePaginatedCommentsAndNotDuplicated() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    for (int i = 0; i < 40; i++) {
      tracker.appendEvent(event("early-" + i));
    }
    tracker.sync();
    tracker.appendEvent(event("e-lost"));
    tracker.appendEvent(event("e-after"));
    gh.fake.inject(Fault.commitThenDrop("POST", "/repos/o/r/issues/\\d+/comments"));
    tracker.sync();
    syncUntilDrained(tracker);
    List<String> ids =
        gh.issue("A1").comments().stream().map(c -> Markers.eventId(c.body()).orElse("?")).toList();
    assertEquals(42, ids.size(), ids.toString());
    assertEquals(1, ids.stream().filter("e-lost"::equals).count());
    assertEquals(
        List.of("e-lost", "e-after"), ids.subList(40, 42), "order within the feature is kept");
  }

  @Test
  void aServerErrorOnACreateIsLookedUpThenSentAgainOnce() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    gh.fake.inject(Fault.serverError("POST", "/repos/o/r/issues", 502));
    syncUntilDrained(tracker);
    assertEquals(1, gh.issues().size());
  }

  @Test
  void aProjectMutationWhoseResponseIsLostLeavesOneItemWithTheRightStatus() {
    Project project =
        gh.fake.createUserProject("o", 7, "planned", "in_progress", "blocked", "complete");
    GitHubTracker tracker = gh.open("\"projectNumber\":7");
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    tracker.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    gh.fake.inject(Fault.commitThenDrop("POST", "/graphql"));
    tracker.sync();
    syncUntilDrained(tracker);
    String node = gh.issue("A1").nodeId();
    assertEquals(1, gh.fake.projectItemCount(project, node));
    assertEquals(Optional.of("in_progress"), gh.fake.projectStatus(project, node));
    assertEquals(0, gh.fake.pendingFaults(), "the fault fired");
  }
}
