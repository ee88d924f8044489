package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.tracker.github.fake.RecordedRequest;
import dev.backlog.tracker.github.internal.GitHubApiException;
import dev.backlog.tracker.github.internal.GitHubClient;
import dev.backlog.tracker.github.internal.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubClientTest {

  @TempDir Path dir;
  GitHubTestHarness gh;
  GitHubClient client;

  @BeforeEach
  void start() {
    gh = new GitHubTestHarness(dir);
    client =
        new GitHubClient(
            gh.fake.apiUrl(),
            new Secret(gh.fake.token(), "$GITHUB_TOKEN"),
            gh.clock,
            d -> gh.clock.advance(d),
            Duration.ZERO,
            Duration.ofMinutes(5),
            Duration.ofMinutes(5));
  }

  @AfterEach
  void stop() {
    gh.close();
  }

  private void createIssues(int n) {
    for (int i = 0; i < n; i++) {
      ObjectNode issue =
          JsonNodeFactory.instance.objectNode().put("title", "issue " + i).put("body", "");
      assertEquals(201, client.write("POST", "/repos/o/r/issues", issue).status());
    }
  }

  @Test
  void aListIsReadPageByPageThroughTheLinkHeader() {
    createIssues(35);
    List<JsonNode> all = client.getAllPages("/repos/o/r/issues?state=all");
    assertEquals(35, all.size());
    assertEquals(35, all.stream().map(i -> i.path("number").asInt()).distinct().count());
    long pages =
        gh.fake.requests().stream()
            .filter(
                r -> r.method().equals("GET") && r.pathAndQuery().startsWith("/repos/o/r/issues"))
            .count();
    assertEquals(2, pages, "30 issues on the first page, 5 on the second");
  }

  @Test
  void aCachedAnswerIsRevalidatedWithItsEtagAndA304ReusesIt() {
    createIssues(2);
    JsonNode first = client.get("/repos/o/r/issues/1").body();
    JsonNode second = client.get("/repos/o/r/issues/1").body();
    assertEquals(first, second);
    List<RecordedRequest> gets =
        gh.fake.requests().stream()
            .filter(r -> r.pathAndQuery().equals("/repos/o/r/issues/1"))
            .toList();
    assertEquals(List.of(200, 304), gets.stream().map(RecordedRequest::status).toList());
    gh.clock.advance(Duration.ofMinutes(6));
    client.get("/repos/o/r/issues/1");
    assertEquals(
        200,
        gh.fake.requests().get(gh.fake.requests().size() - 1).status(),
        "past cacheTtlSeconds the answer is fetched unconditionally");
  }

  @Test
  void aRefusedTokenIsAClearErrorThatNeverShowsTheToken() {
    GitHubClient wrong =
        new GitHubClient(
            gh.fake.apiUrl(),
            new Secret("ghp_wrongwrongwrong", "$GITHUB_TOKEN"),
            gh.clock,
            d -> gh.clock.advance(d),
            Duration.ZERO,
            Duration.ofMinutes(5),
            Duration.ZERO);
    GitHubApiException e = assertThrows(GitHubApiException.class, () -> wrong.get("/user"));
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("$GITHUB_TOKEN"), e.getMessage());
    assertFalse(e.getMessage().contains("ghp_wrong"), e.getMessage());
    assertFalse(wrong.toString().contains("ghp_wrong"), wrong.toString());
  }
}
