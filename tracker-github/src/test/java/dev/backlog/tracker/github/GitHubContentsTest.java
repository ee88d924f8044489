package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.github.fake.Fault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubContentsTest {

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
    gh.close();
  }

  private long puts(String path) {
    return gh.fake.requests().stream()
        .filter(
            r ->
                r.method().equals("PUT")
                    && r.pathAndQuery().startsWith("/repos/o/r/contents/" + path))
        .count();
  }

  private Optional<String> remote(String path) {
    return gh.fake.file("o", "r", "main", path);
  }

  @Test
  void theRoadmapIsWrittenOnSyncAndNotWrittenAgainWhenUnchanged() {
    tracker.createFeature(Feature.builder("A1", "Parser").phase("alpha").build());
    tracker.sync();
    String expected = Roadmaps.render(tracker.listFeatures());
    assertEquals(Optional.of(expected), remote("ROADMAP.md"));
    assertEquals(1, puts("ROADMAP.md"));
    tracker.renderRoadmap();
    tracker.sync();
    tracker.putFeature(Feature.builder("A1", "Parser").phase("alpha").build());
    tracker.sync();
    assertEquals(1, puts("ROADMAP.md"), "no PUT for unchanged content");
    tracker.setStatus(dev.backlog.core.CardId.of("A1"), FeatureStatus.COMPLETE, "w");
    tracker.sync();
    assertEquals(2, puts("ROADMAP.md"));
    assertTrue(remote("ROADMAP.md").orElseThrow().contains("| A1 | Parser | complete | - |"));
  }

  @Test
  void aRoadmapAlreadyOnTheBranchWithTheSameContentIsNotWritten() {
    Feature feature = Feature.builder("A1", "Parser").build();
    gh.fake.putFile("o", "r", "main", "ROADMAP.md", Roadmaps.render(List.of(feature)));
    tracker.createFeature(feature);
    tracker.sync();
    assertEquals(0, puts("ROADMAP.md"));
  }

  @Test
  void changelogEntriesAreSplicedIntoTheFileAsItIsOnTheBranch() {
    tracker.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser"));
    tracker.sync();
    assertEquals(
        Optional.of("# Changelog\n\n## 1.0.0\n\n- **A1** Parser\n"), remote("CHANGELOG.md"));
    gh.fake.putFile(
        "o",
        "r",
        "main",
        "CHANGELOG.md",
        "# Changelog\n\nWritten by a person.\n\n## 1.0.0\n\n- **A1** Parser\n");
    tracker.appendChangelog(ChangelogEntry.of("B2", "1.0.0", "Lexer"));
    tracker.sync();
    assertEquals(
        Optional.of(
            "# Changelog\n\nWritten by a person.\n\n## 1.0.0\n\n- **A1** Parser\n- **B2** Lexer\n"),
        remote("CHANGELOG.md"));
    assertEquals(
        remote("CHANGELOG.md").orElseThrow(),
        tracker.getChangelog(),
        "the local copy follows the branch");
  }

  @Test
  void a409OrA422IsAnsweredByReadingAgainAndRetrying() {
    tracker.putChangelog("# Changelog\n");
    gh.fake.inject(Fault.contentsConflict(".*/contents/CHANGELOG\\.md"));
    gh.fake.inject(Fault.contentsUnprocessable(".*/contents/CHANGELOG\\.md"));
    SyncReport report = tracker.sync();
    assertEquals(0, report.remaining());
    assertEquals(Optional.of("# Changelog\n"), remote("CHANGELOG.md"));
    assertEquals(3, puts("CHANGELOG.md"));
    assertEquals(0, gh.fake.pendingFaults());
  }

  @Test
  void afterThreeRetriesTheWriteWaitsForTheNextSync() {
    tracker.putChangelog("# Changelog\n");
    for (int i = 0; i < 4; i++) {
      gh.fake.inject(Fault.contentsConflict(".*/contents/CHANGELOG\\.md"));
    }
    tracker.sync();
    assertEquals(4, puts("CHANGELOG.md"), "one write and three retries");
    assertEquals(1, tracker.health().pendingOps());
    assertEquals(Optional.empty(), remote("CHANGELOG.md"));
    tracker.sync();
    assertEquals(Optional.of("# Changelog\n"), remote("CHANGELOG.md"));
    assertEquals(0, tracker.health().pendingOps());
  }

  @Test
  void aFreshProviderReadsTheChangelogFromTheBranch() {
    gh.fake.putFile("o", "r", "main", "CHANGELOG.md", "# Changelog\n\n## 0.9.0\n\n- **Z1** Old\n");
    assertEquals("# Changelog\n\n## 0.9.0\n\n- **Z1** Old\n", tracker.getChangelog());
    tracker.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser"));
    tracker.sync();
    assertTrue(
        remote("CHANGELOG.md").orElseThrow().contains("## 1.0.0\n\n- **A1** Parser\n\n## 0.9.0"),
        remote("CHANGELOG.md").orElseThrow());
  }

  @Test
  void theConfiguredBranchAndPathsAreUsed() {
    gh.fake.putFile("o", "r", "docs", "README.md", "the docs branch\n");
    GitHubTracker other =
        gh.open(
            "\"branch\":\"docs\",\"roadmapPath\":\"docs/ROAD MAP.md\",\"changelogPath\":\"docs/CHANGES.md\"");
    other.appendChangelog(ChangelogEntry.of("A1", "1.0.0", "Parser"));
    other.sync();
    assertEquals(
        Optional.of("# Changelog\n\n## 1.0.0\n\n- **A1** Parser\n"),
        gh.fake.file("o", "r", "docs", "docs/CHANGES.md"));
    assertTrue(gh.fake.file("o", "r", "docs", "docs/ROAD MAP.md").isPresent());
  }
}
