package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.github.fake.Fault;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubRateLimitTest {

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

  private static Feature feature(String code) {
    return Feature.builder(code, "Feature " + code).build();
  }

  @Test
  void a429WithRetryAfterIsWaitedOutThenTheWriteGoesThroughOnce() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(feature("A1"));
    gh.fake.inject(Fault.tooManyRequests("POST", "/repos/o/r/issues", 42));
    SyncReport report = tracker.sync();
    assertEquals(0, report.remaining());
    assertEquals(0, gh.fake.pendingFaults());
    assertTrue(gh.sleeps.contains(Duration.ofSeconds(42)), gh.sleeps.toString());
    assertEquals(1, gh.issues().size());
  }

  @Test
  void aSecondaryLimitWithoutHeadersBacksOffAtLeastAMinuteDoublingEachTime() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(feature("A1"));
    gh.fake.inject(Fault.secondaryLimitNoHeader("POST", "/repos/o/r/issues"));
    gh.fake.inject(Fault.secondaryLimitNoHeader("POST", "/repos/o/r/issues"));
    tracker.sync();
    assertEquals(List.of(Duration.ofSeconds(60), Duration.ofSeconds(120)), gh.sleeps);
    assertEquals(1, gh.issues().size());
  }

  @Test
  void aPrimaryLimitIsWaitedOutUntilItsResetWhenThatIsCloseEnough() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(feature("A1"));
    Instant reset = gh.clock.instant().plusSeconds(120);
    gh.fake.inject(Fault.primaryLimit("POST", "/repos/o/r/issues", reset));
    SyncReport report = tracker.sync();
    assertEquals(0, report.remaining());
    assertTrue(
        !gh.clock.instant().isBefore(reset), "the clock passed the reset: " + gh.clock.instant());
    assertTrue(
        gh.sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(122)) <= 0),
        gh.sleeps.toString());
    assertEquals(1, gh.issues().size());
  }

  @Test
  void aResetBeyondTheLongestWaitStopsTheSyncCleanlyAndLeavesOpsPendingWithAttemptsUntouched() {
    GitHubTracker tracker = gh.open("\"maxRateLimitWaitSeconds\":300");
    tracker.createFeature(feature("A1"));
    tracker.createFeature(feature("B2"));
    Instant reset = gh.clock.instant().plus(Duration.ofHours(1));
    gh.fake.inject(Fault.primaryLimit("POST", "/repos/o/r/issues", reset));
    for (int i = 0; i < 10; i++) {
      SyncReport stopped = tracker.sync();
      assertEquals(0, stopped.quarantined());
      assertEquals(0, stopped.conflicted());
      assertTrue(stopped.remaining() > 0);
    }
    assertTrue(
        gh.sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(300)) <= 0),
        gh.sleeps.toString());
    List<Op> open = tracker.openOps();
    assertTrue(
        open.stream().allMatch(op -> op.state() == OpState.PENDING && op.attempts() == 0),
        open.toString());
    assertEquals(0, tracker.health().quarantined());
    assertTrue(gh.issues().isEmpty());
    assertTrue(tracker.health().lastSyncTime().isEmpty(), "a stopped sync is not a finished one");

    gh.clock.advance(Duration.ofHours(1).plusSeconds(1));
    SyncReport resumed = tracker.sync();
    assertEquals(0, resumed.remaining());
    assertEquals(2, gh.issues().size());
  }

  @Test
  void aBudgetUsedUpByOurOwnRequestsIsWaitedForBeforeTheNextRequestInsteadOfBeingRefused() {
    GitHubTracker tracker = gh.open("\"maxRateLimitWaitSeconds\":7200");
    for (int i = 0; i < 5; i++) {
      tracker.createFeature(feature("F" + i));
    }
    long used =
        gh.fake.requests().stream()
            .filter(r -> r.status() != 304 && !r.pathAndQuery().startsWith("/graphql"))
            .count();
    gh.fake.rateLimit("core", (int) used + 3);
    Instant before = gh.clock.instant();
    SyncReport report = tracker.sync();
    assertEquals(0, report.remaining());
    assertEquals(5, gh.issues().size());
    assertTrue(
        gh.fake.requests().stream().noneMatch(r -> r.status() == 403),
        "no request was refused: " + gh.fake.requests());
    assertTrue(
        gh.clock.instant().isAfter(before.plusSeconds(60)), "waited for the reset: " + gh.sleeps);
  }

  @Test
  void writesAreSentOneAtATimeWithTheConfiguredSpacing() {
    GitHubTracker tracker = gh.open("\"writeSpacingMillis\":1000");
    tracker.createFeature(feature("A1"));
    tracker.createFeature(feature("B2"));
    tracker.createFeature(feature("C3"));
    Instant before = gh.clock.instant();
    tracker.sync();
    long writes = gh.fake.requests().stream().filter(r -> !r.method().equals("GET")).count();
    assertTrue(writes >= 4, "three issues and the roadmap");
    assertTrue(
        Duration.between(before, gh.clock.instant()).compareTo(Duration.ofSeconds(writes - 1)) >= 0,
        "at least a second between writes: " + gh.sleeps);
  }

  @Test
  void aServerErrorOnAReadIsRetriedAfterAPause() {
    GitHubTracker tracker = gh.open();
    tracker.createFeature(feature("A1"));
    tracker.sync();
    gh.fake.inject(Fault.serverError("GET", "/repos/o/r/issues", 502));
    tracker.putFeature(feature("A1").toBuilder().title("Renamed").build());
    tracker.createFeature(feature("B2"));
    SyncReport report = tracker.sync();
    assertEquals(0, report.remaining());
    assertEquals(0, gh.fake.pendingFaults());
    assertEquals("[A1] Renamed", gh.issue("A1").title());
    assertEquals(tracker.getFeature(CardId.of("B2")).orElseThrow().title(), "Feature B2");
  }
}
