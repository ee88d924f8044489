package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.tracker.github.fake.FakeComment;
import dev.backlog.tracker.github.fake.FakeGitHub;
import dev.backlog.tracker.github.fake.FakeIssue;
import dev.backlog.tracker.github.fake.Fault;
import dev.backlog.tracker.github.fake.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backlog tracker status} and {@code sync} through the real jar against the fake GitHub: the
 * project's {@code .backlog/config.json} points the github block's {@code apiUrl} at the fake and
 * its {@code auth.tokenEnv} at a variable only this test sets. A sync mirrors a small DAG into
 * issues, comments, the project's Status and the repository files, survives a lost response without
 * a duplicate, and a second sync changes nothing; the token never appears in any output.
 */
class TrackerGitHubIT {

  private static final String TOKEN_ENV = "BACKLOG_TEST_GITHUB_TOKEN";
  private static final Pattern EVENT_MARKER =
      Pattern.compile("<!--backlog:event (\\{.*?\\})-->", Pattern.DOTALL);

  @TempDir Path tmp;

  private FakeGitHub github;
  private Project project;
  private final List<CliProcess.Result> results = new ArrayList<>();

  @BeforeEach
  void startFakeGitHub() {
    github = FakeGitHub.start();
    github.createRepo("octo", "widgets");
    project = github.createOrgProject("octo", 3, "Planned", "In Progress", "Blocked", "Complete");
  }

  @AfterEach
  void stopFakeGitHub() {
    github.close();
  }

  @Test
  void statusAndSyncMirrorTheBacklogIntoGitHubIssuesCommentsProjectStatusAndFilesWithoutDuplicates()
      throws IOException {
    CliProcess cli = projectWithGitHubTracker(tmp);

    JsonNode before = ok(cli.run("tracker", "status", "--json")).json();
    assertEquals("github", before.get("provider").asText(), before.toString());
    assertTrue(before.get("canonicalSource").asText().contains("octo/widgets"), before.toString());
    assertEquals(0, before.get("pendingOps").asInt(), before.toString());
    assertEquals(0, before.get("conflicts").asInt());
    assertEquals(0, before.get("quarantined").asInt());
    assertTrue(before.get("lastSync").isNull(), before.toString());

    ok(cli.run("create", "--id", "A1", "--title", "Schema", "--phase", "alpha"));
    ok(
        cli.run(
            "create",
            "--id",
            "A2",
            "--title",
            "Service",
            "--phase",
            "alpha",
            "--depends-on",
            "A1"));
    ok(cli.run("create", "--id", "B1", "--title", "Client", "--phase", "beta"));
    JsonNode claimed = ok(cli.run("claim", "--owner", "w1", "--json")).json();
    assertEquals("A1", claimed.get("id").asText(), claimed.toString());
    ok(cli.run("complete", "A1", "--token", claimed.get("lease").get("token").asText()));
    JsonNode events = ok(cli.run("events", "--json")).json();

    // The first issue's response is lost after GitHub created it, and one comment fails with a 502.
    github.inject(Fault.commitThenDrop("POST", "/repos/octo/widgets/issues"));
    github.inject(Fault.serverError("POST", "/repos/octo/widgets/issues/\\d+/comments", 502));
    JsonNode report = ok(cli.run("tracker", "sync", "--json")).json();
    assertEquals(0, report.get("pending").asInt(), report.toString());
    assertEquals(0, report.get("quarantined").asInt(), report.toString());
    assertEquals(0, report.get("conflicted").asInt(), report.toString());
    assertEquals(0, github.pendingFaults(), "both faults fired");

    List<FakeIssue> issues = github.issues("octo", "widgets");
    Map<String, FakeIssue> byTitle = new TreeMap<>();
    issues.forEach(issue -> byTitle.put(issue.title(), issue));
    assertEquals(
        List.of("[A1] Schema", "[A2] Service", "[B1] Client"),
        List.copyOf(byTitle.keySet()),
        "exactly one issue per card, the lost response included");
    FakeIssue a1 = byTitle.get("[A1] Schema");
    assertEquals("closed", a1.state());
    assertTrue(
        a1.labels().containsAll(List.of("backlog", "status:complete")), a1.labels().toString());
    for (String open : List.of("[A2] Service", "[B1] Client")) {
      FakeIssue issue = byTitle.get(open);
      assertEquals("open", issue.state(), open);
      assertTrue(
          issue.labels().containsAll(List.of("backlog", "status:planned")),
          issue.labels().toString());
      assertEquals("Planned", github.projectStatus(project, issue.nodeId()).orElse("(none)"), open);
    }
    assertEquals("Complete", github.projectStatus(project, a1.nodeId()).orElse("(none)"));

    List<String> commented = eventIds(issues);
    assertEquals(events.size(), commented.size(), "one comment per backlog event: " + commented);
    assertEquals(
        commented.size(), commented.stream().distinct().count(), "no comment twice: " + commented);
    String roadmap = github.file("octo", "widgets", "main", "ROADMAP.md").orElseThrow();
    assertTrue(roadmap.contains("| A1 | Schema | complete | - |"), roadmap);
    assertTrue(roadmap.contains("| A2 | Service | planned | A1 |"), roadmap);
    String changelog = github.file("octo", "widgets", "main", "CHANGELOG.md").orElseThrow();
    assertTrue(changelog.startsWith("# Changelog\n"), changelog);
    assertTrue(changelog.contains("- **A1** Schema"), changelog);

    int requests = github.requests().size();
    JsonNode again = ok(cli.run("tracker", "sync", "--json")).json();
    assertEquals(0, again.get("events").asInt(), again.toString());
    assertEquals(0, again.get("changelogEntries").asInt(), again.toString());
    assertEquals(0, again.get("pending").asInt(), again.toString());
    assertEquals(
        issues, github.issues("octo", "widgets"), "a second sync changes nothing on GitHub");
    assertTrue(
        github.requests().stream()
            .skip(requests)
            .noneMatch(r -> !r.method().equals("GET") && !r.pathAndQuery().equals("/graphql")),
        "a second sync writes nothing: "
            + github.requests().subList(requests, github.requests().size()));

    JsonNode after = ok(cli.run("tracker", "status", "--json")).json();
    assertEquals(0, after.get("pendingOps").asInt(), after.toString());
    assertEquals(0, after.get("conflicts").asInt(), after.toString());
    assertTrue(after.get("lastSync").isTextual(), after.toString());
    assertEquals(events.get(events.size() - 1).get("seq").asLong(), after.get("cursor").asLong());

    assertEquals(List.of(), github.graphQlViolations(), "GraphQL documents GitHub would refuse");
    assertEquals(
        List.of(), github.protocolViolations(), "requests breaking GitHub's REST conventions");
    for (CliProcess.Result result : results) {
      assertFalse(
          result.out().contains(github.token()) || result.err().contains(github.token()),
          "the token appeared in the output of a command");
    }
  }

  @Test
  void aTokenGitHubRefusesFailsTheStatusCommandWithoutPrintingTheToken() throws IOException {
    CliProcess cli = projectWithGitHubTracker(tmp);
    String wrong = "ghp_" + "0123456789abcdef".repeat(2);
    cli.env.put(TOKEN_ENV, wrong);
    CliProcess.Result result = cli.run("tracker", "status", "--json");
    assertTrue(result.exit() != 0, result.toString());
    assertFalse(result.out().contains(wrong) || result.err().contains(wrong), result.toString());
    assertFalse(
        result.out().contains(github.token()) || result.err().contains(github.token()),
        result.toString());
    assertTrue(
        result.err().contains("401")
            || result.err().toLowerCase(java.util.Locale.ROOT).contains("credentials")
            || result.err().toLowerCase(java.util.Locale.ROOT).contains("token"),
        result.toString());
  }

  private CliProcess projectWithGitHubTracker(Path dir) throws IOException {
    CliProcess cli = new CliProcess(dir);
    Path config = cli.workDir.resolve(".backlog/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "{\"actor\":\"tester\",\"tracker\":{\"provider\":\"github\",\"github\":{"
            + "\"repo\":\"octo/widgets\",\"projectNumber\":3,\"apiUrl\":\""
            + github.apiUrl()
            + "\","
            + "\"auth\":{\"tokenEnv\":\""
            + TOKEN_ENV
            + "\"},\"writeSpacingMillis\":0}}}");
    cli.env.put(TOKEN_ENV, github.token());
    return cli;
  }

  private static List<String> eventIds(List<FakeIssue> issues) throws IOException {
    List<String> ids = new ArrayList<>();
    for (FakeIssue issue : issues) {
      for (FakeComment comment : issue.comments()) {
        Matcher matcher = EVENT_MARKER.matcher(comment.body());
        while (matcher.find()) {
          ids.add(CliProcess.JSON.readTree(matcher.group(1)).get("id").asText());
        }
      }
    }
    return ids;
  }

  private CliProcess.Result ok(CliProcess.Result result) {
    results.add(result);
    assertEquals(0, result.exit(), result.toString());
    return result;
  }
}
