package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.github.fake.Project;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubProjectTest {

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

  private Optional<String> status(Project project, String code) {
    return gh.fake.projectStatus(project, gh.issue(code).nodeId());
  }

  @Test
  void aUserProjectGetsOneItemPerFeatureWhoseStatusFollowsTheFeature() {
    Project project =
        gh.fake.createUserProject("o", 3, "planned", "in_progress", "blocked", "complete");
    GitHubTracker tracker = gh.open("\"projectNumber\":3");
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    tracker.createFeature(Feature.builder("B2", "Lexer").status(FeatureStatus.BLOCKED).build());
    tracker.sync();
    assertEquals(Optional.of("planned"), status(project, "A1"));
    assertEquals(Optional.of("blocked"), status(project, "B2"));
    tracker.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    tracker.sync();
    assertEquals(Optional.of("in_progress"), status(project, "A1"));
    tracker.setStatus(CardId.of("A1"), FeatureStatus.COMPLETE, "w1");
    tracker.sync();
    assertEquals(Optional.of("complete"), status(project, "A1"));
    assertEquals(1, gh.fake.projectItemCount(project, gh.issue("A1").nodeId()));
  }

  @Test
  void
      anOrganizationProjectIsResolvedThroughTheOrganizationAndOptionNamesMatchIgnoringCaseAndSpaces() {
    gh.fake.createRepo("acme", "widgets");
    Project project =
        gh.fake.createOrgProject("acme", 12, "Planned", "In Progress", "Blocked", "Complete");
    GitHubTracker tracker =
        GitHubTracker.open(
            gh.context(
                gh.settings("\"projectNumber\":12")
                    .replace("\"repo\":\"o/r\"", "\"repo\":\"acme/widgets\"")),
            gh.runtime());
    tracker.createFeature(
        Feature.builder("A1", "Parser").status(FeatureStatus.IN_PROGRESS).build());
    tracker.sync();
    String node = gh.fake.issues("acme", "widgets").get(0).nodeId();
    assertEquals(Optional.of("In Progress"), gh.fake.projectStatus(project, node));
  }

  @Test
  void renamedOptionIdsAreReadAgainOnceAndTheUpdateSucceeds() {
    Project project =
        gh.fake.createUserProject("o", 3, "planned", "in_progress", "blocked", "complete");
    GitHubTracker tracker = gh.open("\"projectNumber\":3");
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    tracker.sync();
    String before = gh.fake.statusOptionId(project, "in_progress").orElseThrow();
    gh.fake.renameStatusOptionIds(project);
    assertNotEquals(before, gh.fake.statusOptionId(project, "in_progress").orElseThrow());
    tracker.setStatus(CardId.of("A1"), FeatureStatus.IN_PROGRESS, "w1");
    assertEquals(0, tracker.sync().remaining());
    assertEquals(Optional.of("in_progress"), status(project, "A1"));
    assertEquals(0, tracker.health().quarantined());
  }

  @Test
  void aMissingStatusOptionIsAClearErrorAndTheOtherWritesStillHappen() {
    Project project = gh.fake.createUserProject("o", 3, "planned", "in_progress");
    GitHubTracker tracker = gh.open("\"projectNumber\":3");
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    tracker.createFeature(Feature.builder("B2", "Lexer").build());
    tracker.sync();
    tracker.setStatus(CardId.of("A1"), FeatureStatus.COMPLETE, "w1");
    tracker.setStatus(CardId.of("B2"), FeatureStatus.IN_PROGRESS, "w1");
    GitHubException e = assertThrows(GitHubException.class, tracker::sync);
    assertEquals(GitHubErrorCode.GITHUB_PROJECT_SETUP, e.code());
    assertTrue(
        e.getMessage().contains("no Status option for 'complete'")
            && e.getMessage().contains("in_progress]")
            && e.getMessage().contains("add an option named complete"),
        e.getMessage());
    assertEquals(Optional.of("planned"), status(project, "A1"), "never a guess");
    assertEquals(Optional.of("in_progress"), status(project, "B2"));
    assertEquals("closed", gh.issue("A1").state(), "the issue itself is still updated");
    assertEquals(1, tracker.health().pendingOps());
  }

  @Test
  void aProjectNumberTheOwnerDoesNotHaveIsAClearError() {
    gh.fake.createUserProject("o", 3, "planned", "in_progress", "blocked", "complete");
    GitHubTracker tracker = gh.open("\"projectNumber\":99");
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    GitHubException e = assertThrows(GitHubException.class, tracker::sync);
    assertEquals(GitHubErrorCode.GITHUB_NOT_FOUND, e.code());
    assertTrue(
        e.getMessage().contains("no project number 99") && e.getMessage().contains("projectNumber"),
        e.getMessage());
    assertEquals(1, gh.issues().size());
    assertEquals(1, tracker.health().pendingOps(), "the project op waits: " + tracker.openOps());
    assertTrue(
        tracker.openOps().get(0).lastError().contains("99"), tracker.openOps().get(0).lastError());
  }
}
