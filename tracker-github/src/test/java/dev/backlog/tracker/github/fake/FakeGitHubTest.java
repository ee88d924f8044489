package dev.backlog.tracker.github.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeGitHubTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
  private static final Pattern LAST = Pattern.compile("<([^>]+)>; rel=\"last\"");

  private final VirtualClock clock = new VirtualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeGitHub github;

  @BeforeEach
  void start() {
    github = FakeGitHub.start(clock);
    github.createRepo("o", "r");
  }

  @AfterEach
  void stop() {
    github.close();
  }

  private HttpResponse<String> call(String method, String path, Object body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : github.apiUrl() + path))
            .header("Authorization", "Bearer " + github.token())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("User-Agent", "fake-github-test")
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private int createIssue(String title) throws Exception {
    HttpResponse<String> created =
        call("POST", "/repos/o/r/issues", Map.of("title", title, "body", "b"));
    assertEquals(201, created.statusCode(), created.body());
    return json(created).get("number").asInt();
  }

  private JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    HttpResponse<String> response =
        call("POST", "/graphql", Map.of("query", query, "variables", variables));
    assertEquals(200, response.statusCode(), response.body());
    return json(response);
  }

  @Test
  void issueListsComeThirtyPerPageNewestFirstWithLinkHeadersToTheNextAndLastPage()
      throws Exception {
    for (int i = 1; i <= 65; i++) {
      createIssue("issue " + i);
    }
    HttpResponse<String> first = call("GET", "/repos/o/r/issues?state=all", null);
    assertEquals(200, first.statusCode());
    JsonNode page1 = json(first);
    assertEquals(30, page1.size());
    assertEquals(65, page1.get(0).get("number").asInt());
    assertEquals(36, page1.get(29).get("number").asInt());
    String link = first.headers().firstValue("Link").orElseThrow();
    Matcher last = LAST.matcher(link);
    assertTrue(last.find(), link);
    assertTrue(last.group(1).contains("page=3"), link);

    List<Integer> numbers = new ArrayList<>();
    String url = github.apiUrl() + "/repos/o/r/issues?state=all";
    int pages = 0;
    while (url != null) {
      HttpResponse<String> response = call("GET", url, null);
      json(response).forEach(issue -> numbers.add(issue.get("number").asInt()));
      Matcher next = NEXT.matcher(response.headers().firstValue("Link").orElse(""));
      url = next.find() ? next.group(1) : null;
      pages++;
    }
    assertEquals(3, pages);
    assertEquals(65, numbers.size());
    assertEquals(1, numbers.get(64));

    HttpResponse<String> small =
        call("GET", "/repos/o/r/issues?state=all&per_page=10&page=2", null);
    assertEquals(55, json(small).get(0).get("number").asInt());
    assertTrue(
        small
            .headers()
            .firstValue("Link")
            .orElseThrow()
            .contains("per_page=10&page=7>; rel=\"last\""),
        small.headers().firstValue("Link").orElseThrow());
    assertEquals(
        65,
        json(call("GET", "/repos/o/r/issues?state=all&per_page=500", null)).size(),
        "per_page above 100 is capped at 100");
  }

  @Test
  void theIssueListFiltersByStateAndLabelAndDefaultsToOpenIssues() throws Exception {
    int a = createIssue("a");
    int b = createIssue("b");
    assertEquals(
        200,
        call(
                "PATCH",
                "/repos/o/r/issues/" + a,
                Map.of("state", "closed", "labels", List.of("backlog", "status:complete")))
            .statusCode());
    call("PATCH", "/repos/o/r/issues/" + b, Map.of("labels", List.of("human")));
    assertEquals(1, json(call("GET", "/repos/o/r/issues", null)).size());
    assertEquals(b, json(call("GET", "/repos/o/r/issues", null)).get(0).get("number").asInt());
    JsonNode labelled = json(call("GET", "/repos/o/r/issues?state=all&labels=backlog", null));
    assertEquals(1, labelled.size());
    assertEquals(a, labelled.get(0).get("number").asInt());
    JsonNode closed = labelled.get(0);
    assertEquals("closed", closed.get("state").asText());
    assertEquals("completed", closed.get("state_reason").asText());
    assertFalse(closed.get("closed_at").isNull());
  }

  @Test
  void patchingLabelsReplacesTheSetAndUnknownLabelsAreCreatedOnUse() throws Exception {
    int n = createIssue("x");
    call("PATCH", "/repos/o/r/issues/" + n, Map.of("labels", List.of("one", "two")));
    JsonNode issue =
        json(call("PATCH", "/repos/o/r/issues/" + n, Map.of("labels", List.of("Two", "three"))));
    List<String> names = new ArrayList<>();
    issue.get("labels").forEach(l -> names.add(l.get("name").asText()));
    assertEquals(
        List.of("two", "three"), names, "labels are case-insensitive and replaced as a set");
    assertEquals(List.of("two", "three"), github.issues("o", "r").get(0).labels());
    assertEquals(3, json(call("GET", "/repos/o/r/labels", null)).size());
  }

  @Test
  void aConditionalGetWithTheEtagAnswers304UntilTheResourceChangesAndA304CostsNoRateLimit()
      throws Exception {
    int n = createIssue("x");
    HttpResponse<String> first = call("GET", "/repos/o/r/issues/" + n, null);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    int remaining =
        Integer.parseInt(first.headers().firstValue("x-ratelimit-remaining").orElseThrow());

    HttpResponse<String> again = call("GET", "/repos/o/r/issues/" + n, null, "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertEquals("", again.body());
    assertEquals(
        remaining,
        Integer.parseInt(again.headers().firstValue("x-ratelimit-remaining").orElseThrow()));

    HttpResponse<String> comments = call("GET", "/repos/o/r/issues/" + n + "/comments", null);
    String commentsTag = comments.headers().firstValue("ETag").orElseThrow();
    github.addComment("o", "r", n, "a human speaks", "alice");
    HttpResponse<String> changed =
        call("GET", "/repos/o/r/issues/" + n + "/comments", null, "If-None-Match", commentsTag);
    assertEquals(200, changed.statusCode());
    assertEquals("alice", json(changed).get(0).get("user").get("login").asText());

    github.editIssue("o", "r", n, "edited by a human", null, null, null);
    assertEquals(
        200, call("GET", "/repos/o/r/issues/" + n, null, "If-None-Match", etag).statusCode());
  }

  @Test
  void commentsArePagedOldestFirst() throws Exception {
    int n = createIssue("x");
    for (int i = 1; i <= 31; i++) {
      assertEquals(
          201,
          call("POST", "/repos/o/r/issues/" + n + "/comments", Map.of("body", "c" + i))
              .statusCode());
    }
    HttpResponse<String> first = call("GET", "/repos/o/r/issues/" + n + "/comments", null);
    assertEquals(30, json(first).size());
    assertEquals("c1", json(first).get(0).get("body").asText());
    assertTrue(first.headers().firstValue("Link").orElseThrow().contains("rel=\"next\""));
    JsonNode second = json(call("GET", "/repos/o/r/issues/" + n + "/comments?page=2", null));
    assertEquals("c31", second.get(0).get("body").asText());
    assertEquals(31, json(call("GET", "/repos/o/r/issues/" + n, null)).get("comments").asInt());
  }

  @Test
  void everyResponseCarriesRateLimitHeadersFromTheInjectedClockAndAWrongTokenIsRejected()
      throws Exception {
    HttpResponse<String> user = call("GET", "/user", null);
    assertEquals(200, user.statusCode());
    assertEquals("repo, project", user.headers().firstValue("x-oauth-scopes").orElseThrow());
    assertEquals("5000", user.headers().firstValue("x-ratelimit-limit").orElseThrow());
    assertEquals("4999", user.headers().firstValue("x-ratelimit-remaining").orElseThrow());
    assertEquals("1", user.headers().firstValue("x-ratelimit-used").orElseThrow());
    assertEquals("core", user.headers().firstValue("x-ratelimit-resource").orElseThrow());
    assertEquals(
        clock.instant().plus(Duration.ofHours(1)).getEpochSecond(),
        Long.parseLong(user.headers().firstValue("x-ratelimit-reset").orElseThrow()));
    github.scopes("repo");
    assertEquals(
        "repo", call("GET", "/user", null).headers().firstValue("x-oauth-scopes").orElseThrow());

    HttpResponse<String> bad = call("GET", "/repos/o/r", null, "Authorization", "Bearer nope");
    assertEquals(401, bad.statusCode());
    assertEquals("Bad credentials", json(bad).get("message").asText());
    assertTrue(bad.headers().firstValue("x-ratelimit-reset").isPresent());
    HttpResponse<String> legacy =
        call("GET", "/repos/o/r", null, "Authorization", "token " + github.token());
    assertEquals("main", json(legacy).get("default_branch").asText());
    assertEquals(404, call("GET", "/repos/o/missing", null).statusCode());
    assertTrue(
        github.protocolViolations().stream().noneMatch(v -> v.contains("X-GitHub-Api-Version")));
  }

  @Test
  void contentsCarryTheRealGitBlobShaAndAPutNeedsTheCurrentSha() throws Exception {
    String text = "hello world\n";
    String encoded = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> created =
        call(
            "PUT",
            "/repos/o/r/contents/docs/ROADMAP.md",
            Map.of("message", "add", "content", encoded, "branch", "main"));
    assertEquals(201, created.statusCode(), created.body());
    String sha = json(created).get("content").get("sha").asText();
    assertEquals(
        "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", sha, "git hash-object of 'hello world\\n'");

    JsonNode got = json(call("GET", "/repos/o/r/contents/docs/ROADMAP.md?ref=main", null));
    assertEquals(sha, got.get("sha").asText());
    assertEquals("base64", got.get("encoding").asText());
    assertEquals(
        text,
        new String(
            Base64.getMimeDecoder().decode(got.get("content").asText()), StandardCharsets.UTF_8));

    String longText = "x".repeat(200);
    String longEncoded =
        Base64.getEncoder().encodeToString(longText.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> noSha =
        call(
            "PUT",
            "/repos/o/r/contents/docs/ROADMAP.md",
            Map.of("message", "m", "content", longEncoded));
    assertEquals(422, noSha.statusCode());
    assertEquals(
        "Invalid request.\n\n\"sha\" wasn't supplied.", json(noSha).get("message").asText());
    HttpResponse<String> stale =
        call(
            "PUT",
            "/repos/o/r/contents/docs/ROADMAP.md",
            Map.of("message", "m", "content", longEncoded, "sha", "0".repeat(40)));
    assertEquals(409, stale.statusCode());
    assertEquals(
        "docs/ROADMAP.md does not match " + "0".repeat(40), json(stale).get("message").asText());
    HttpResponse<String> updated =
        call(
            "PUT",
            "/repos/o/r/contents/docs/ROADMAP.md",
            Map.of("message", "m", "content", longEncoded, "sha", sha));
    assertEquals(200, updated.statusCode());
    assertEquals(longText, github.file("o", "r", "main", "docs/ROADMAP.md").orElseThrow());
    String wrapped =
        json(call("GET", "/repos/o/r/contents/docs/ROADMAP.md", null)).get("content").asText();
    assertEquals(
        60, wrapped.indexOf('\n'), "content is wrapped every 60 characters as GitHub does");
    assertEquals(404, call("GET", "/repos/o/r/contents/NOPE.md", null).statusCode());
  }

  @Test
  void injectedContentsFaultsAnswer409And422OnceAndChangeNothing() throws Exception {
    github.putFile("o", "r", "main", "CHANGELOG.md", "# Changelog\n");
    String sha = json(call("GET", "/repos/o/r/contents/CHANGELOG.md", null)).get("sha").asText();
    String encoded =
        Base64.getEncoder()
            .encodeToString("# Changelog\n\n## A\n".getBytes(StandardCharsets.UTF_8));
    Map<String, Object> put = Map.of("message", "m", "content", encoded, "sha", sha);
    github.inject(Fault.contentsConflict("CHANGELOG.md"));
    github.inject(Fault.contentsUnprocessable(".*/CHANGELOG.md"));
    assertEquals(409, call("PUT", "/repos/o/r/contents/CHANGELOG.md", put).statusCode());
    assertEquals(422, call("PUT", "/repos/o/r/contents/CHANGELOG.md", put).statusCode());
    assertEquals("# Changelog\n", github.file("o", "r", "main", "CHANGELOG.md").orElseThrow());
    assertEquals(0, github.pendingFaults());
    assertEquals(200, call("PUT", "/repos/o/r/contents/CHANGELOG.md", put).statusCode());
  }

  @Test
  void serverErrorsAndSecondaryLimitsFireOnceOnTheMatchingRequestOnly() throws Exception {
    int n = createIssue("x");
    github.inject(Fault.serverError("GET", "/repos/o/r/issues/\\d+", 502));
    github.inject(Fault.tooManyRequests("POST", "/repos/o/r/issues/\\d+/comments", 7));
    github.inject(Fault.secondaryLimitNoHeader("PATCH", "/repos/o/r/issues/\\d+"));
    assertEquals(200, call("GET", "/repos/o/r", null).statusCode(), "other paths are not affected");
    assertEquals(502, call("GET", "/repos/o/r/issues/" + n, null).statusCode());
    assertEquals(200, call("GET", "/repos/o/r/issues/" + n, null).statusCode());

    HttpResponse<String> limited =
        call("POST", "/repos/o/r/issues/" + n + "/comments", Map.of("body", "b"));
    assertEquals(429, limited.statusCode());
    assertEquals("7", limited.headers().firstValue("retry-after").orElseThrow());
    assertEquals(0, github.issues("o", "r").get(0).comments().size());

    HttpResponse<String> secondary = call("PATCH", "/repos/o/r/issues/" + n, Map.of("title", "y"));
    assertEquals(403, secondary.statusCode());
    assertTrue(json(secondary).get("message").asText().contains("secondary rate limit"));
    assertTrue(secondary.headers().firstValue("retry-after").isEmpty());
    assertNotEquals("0", secondary.headers().firstValue("x-ratelimit-remaining").orElseThrow());
    assertEquals("x", github.issues("o", "r").get(0).title());
    assertEquals(0, github.pendingFaults());
  }

  @Test
  void anExhaustedPrimaryLimitRefusesEveryRequestOfTheResourceUntilTheClockReachesTheReset()
      throws Exception {
    Instant reset = clock.instant().plus(Duration.ofMinutes(3));
    github.inject(Fault.primaryLimit("GET", "/repos/o/r", reset));
    HttpResponse<String> refused = call("GET", "/repos/o/r", null);
    assertEquals(403, refused.statusCode());
    assertEquals("0", refused.headers().firstValue("x-ratelimit-remaining").orElseThrow());
    assertEquals(
        Long.toString(reset.getEpochSecond()),
        refused.headers().firstValue("x-ratelimit-reset").orElseThrow());
    assertEquals(
        403, call("GET", "/user", null).statusCode(), "the whole core resource is exhausted");
    assertEquals(200, graphqlStatus(), "the graphql resource has its own limit");
    clock.advance(Duration.ofMinutes(3));
    HttpResponse<String> after = call("GET", "/repos/o/r", null);
    assertEquals(200, after.statusCode());
    assertEquals("4999", after.headers().firstValue("x-ratelimit-remaining").orElseThrow());
  }

  @Test
  void aSpentHourlyLimitIsRefusedUntilTheWindowResetsAnHourAfterItOpened() throws Exception {
    github.rateLimit("core", 2);
    assertEquals(200, call("GET", "/repos/o/r", null).statusCode());
    HttpResponse<String> last = call("GET", "/repos/o/r", null);
    assertEquals("0", last.headers().firstValue("x-ratelimit-remaining").orElseThrow());
    HttpResponse<String> refused = call("GET", "/repos/o/r", null);
    assertEquals(403, refused.statusCode());
    assertTrue(json(refused).get("message").asText().startsWith("API rate limit exceeded"));
    clock.advance(Duration.ofMinutes(59));
    assertEquals(403, call("GET", "/repos/o/r", null).statusCode());
    clock.advance(Duration.ofMinutes(1));
    assertEquals(200, call("GET", "/repos/o/r", null).statusCode());
  }

  private int graphqlStatus() throws Exception {
    return call("POST", "/graphql", Map.of("query", "{ rateLimit { remaining } }")).statusCode();
  }

  @Test
  void commitThenDropAppliesTheWriteAndClosesTheConnectionWithoutAResponse() throws Exception {
    github.inject(Fault.commitThenDrop("POST", "/repos/o/r/issues"));
    assertThrows(
        IOException.class,
        () -> call("POST", "/repos/o/r/issues", Map.of("title", "lost response")));
    assertEquals(1, github.issues("o", "r").size());
    assertEquals("lost response", github.issues("o", "r").get(0).title());
    RecordedRequest dropped = github.requests().get(github.requests().size() - 1);
    assertEquals(new RecordedRequest("POST", "/repos/o/r/issues", 0), dropped);

    github.inject(Fault.commitThenDrop("POST", "/repos/o/r/issues/1/comments"));
    assertThrows(
        IOException.class,
        () -> call("POST", "/repos/o/r/issues/1/comments", Map.of("body", "once")));
    assertEquals(
        List.of("once"),
        github.issues("o", "r").get(0).comments().stream().map(FakeComment::body).toList());
  }

  private static final String PROJECT_QUERY =
      """
            query($login: String!, $number: Int!) {
              user(login: $login) {
                projectV2(number: $number) {
                  id title url
                  fields(first: 50) {
                    nodes {
                      ... on ProjectV2SingleSelectField { id name options { id name } }
                      ... on ProjectV2Field { id name }
                    }
                  }
                }
              }
            }""";

  private static final String ORG_PROJECT_QUERY =
      PROJECT_QUERY.replace("user(login", "organization(login");

  private static String statusFieldId(JsonNode project) {
    for (JsonNode field : project.get("fields").get("nodes")) {
      if (field.get("name").asText().equals("Status")) {
        return field.get("id").asText();
      }
    }
    throw new AssertionError("no Status field in " + project);
  }

  private static String optionId(JsonNode project, String name) {
    for (JsonNode field : project.get("fields").get("nodes")) {
      if (field.has("options")) {
        for (JsonNode option : field.get("options")) {
          if (option.get("name").asText().equals(name)) {
            return option.get("id").asText();
          }
        }
      }
    }
    throw new AssertionError("no option " + name + " in " + project);
  }

  @Test
  void userAndOrganizationProjectsResolveWithTheirSingleSelectStatusOptions() throws Exception {
    Project mine = github.createUserProject("alice", 3, "Todo", "In Progress", "Done");
    Project theirs = github.createOrgProject("acme", 3, "Planned", "Complete");
    JsonNode user = graphql(PROJECT_QUERY, Map.of("login", "alice", "number", 3));
    assertNull(user.get("errors"), user.toString());
    JsonNode project = user.get("data").get("user").get("projectV2");
    assertEquals(mine.nodeId(), project.get("id").asText());
    assertEquals(
        github.statusOptionId(mine, "In Progress").orElseThrow(), optionId(project, "In Progress"));
    assertTrue(project.get("fields").get("nodes").size() >= 2, "plain fields come back too");

    JsonNode org = graphql(ORG_PROJECT_QUERY, Map.of("login", "acme", "number", 3));
    assertEquals(
        theirs.nodeId(), org.get("data").get("organization").get("projectV2").get("id").asText());
    assertEquals(
        github.statusOptionId(theirs, "Complete").orElseThrow(),
        optionId(org.get("data").get("organization").get("projectV2"), "Complete"));
    assertEquals(List.of(), github.graphQlViolations());
  }

  @Test
  void anUnknownLoginResolvesToNullWithANotFoundErrorAsGitHubAnswers() throws Exception {
    JsonNode user = graphql(PROJECT_QUERY, Map.of("login", "nobody", "number", 1));
    assertTrue(user.get("data").get("user").isNull());
    JsonNode error = user.get("errors").get(0);
    assertEquals("NOT_FOUND", error.get("type").asText());
    assertEquals("[\"user\"]", error.get("path").toString());
    assertEquals(
        "Could not resolve to a User with the login of 'nobody'.", error.get("message").asText());

    github.createOrgProject("acme", 1, "Todo");
    JsonNode orgAsUser = graphql(PROJECT_QUERY, Map.of("login", "acme", "number", 1));
    assertTrue(orgAsUser.get("data").get("user").isNull(), "an organization is not a user");
    JsonNode org = graphql(ORG_PROJECT_QUERY, Map.of("login", "ghost", "number", 1));
    assertEquals(
        "Could not resolve to an Organization with the login of 'ghost'.",
        org.get("errors").get(0).get("message").asText());
    JsonNode missingProject = graphql(ORG_PROJECT_QUERY, Map.of("login", "acme", "number", 9));
    assertTrue(missingProject.get("data").get("organization").get("projectV2").isNull());
    assertEquals("NOT_FOUND", missingProject.get("errors").get(0).get("type").asText());
    assertEquals(
        List.of(), github.graphQlViolations(), "a NOT_FOUND is an answer, not an invalid document");
  }

  @Test
  void aDocumentThatBreaksTheSchemaGetsOnlyErrorsAndIsRecordedAsAViolation() throws Exception {
    JsonNode unknownField =
        graphql("{ user(login: \"alice\") { projectV2(number: 1) { statusColumn } } }", Map.of());
    assertNull(unknownField.get("data"));
    assertTrue(unknownField.get("errors").get(0).get("message").asText().contains("statusColumn"));
    assertTrue(unknownField.get("errors").get(0).get("extensions").has("code"));
    JsonNode wrongVariableType =
        graphql(PROJECT_QUERY, Map.of("login", "alice", "number", "three"));
    assertNull(wrongVariableType.get("data"));
    JsonNode syntax = graphql("{ user(login: \"alice\" { id } }", Map.of());
    assertNull(syntax.get("data"));
    JsonNode noBoundaries =
        graphql(
            "query($id: ID!) { node(id: $id) { ... on ProjectV2 { items { nodes { id } } } } }",
            Map.of("id", github.createUserProject("alice", 1, "Todo").nodeId()));
    assertEquals(
        "MISSING_PAGINATION_BOUNDARIES", noBoundaries.get("errors").get(0).get("type").asText());
    List<String> violations = github.graphQlViolations();
    assertEquals(4, violations.size(), String.join("\n", violations));
    assertTrue(violations.get(0).contains("statusColumn"));
  }

  @Test
  void itemsAreAddedIdempotentlyAndTheirStatusIsSetAndReadThroughTheProjectAndTheIssue()
      throws Exception {
    Project project = github.createUserProject("alice", 1, "Planned", "In progress", "Complete");
    String issueId =
        json(call("POST", "/repos/o/r/issues", Map.of("title", "t"))).get("node_id").asText();
    String add =
        """
                mutation($project: ID!, $content: ID!) {
                  addProjectV2ItemById(input: {projectId: $project, contentId: $content}) { item { id } }
                }""";
    String itemId =
        graphql(add, Map.of("project", project.nodeId(), "content", issueId))
            .get("data")
            .get("addProjectV2ItemById")
            .get("item")
            .get("id")
            .asText();
    assertEquals(
        itemId,
        graphql(add, Map.of("project", project.nodeId(), "content", issueId))
            .get("data")
            .get("addProjectV2ItemById")
            .get("item")
            .get("id")
            .asText());
    assertEquals(1, github.projectItemCount(project, issueId));

    JsonNode fields =
        graphql(PROJECT_QUERY, Map.of("login", "alice", "number", 1))
            .get("data")
            .get("user")
            .get("projectV2");
    String update =
        """
                mutation($project: ID!, $item: ID!, $field: ID!, $option: String!) {
                  updateProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, fieldId: $field,
                      value: {singleSelectOptionId: $option}}) { projectV2Item { id } }
                }""";
    JsonNode updated =
        graphql(
            update,
            Map.of(
                "project",
                project.nodeId(),
                "item",
                itemId,
                "field",
                statusFieldId(fields),
                "option",
                optionId(fields, "In progress")));
    assertNull(updated.get("errors"), updated.toString());
    assertEquals("In progress", github.projectStatus(project, issueId).orElseThrow());

    JsonNode items =
        graphql(
                """
                query($id: ID!, $after: String) {
                  node(id: $id) {
                    ... on ProjectV2 {
                      items(first: 10, after: $after) {
                        nodes { id content { ... on Issue { id number } }
                          fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { name optionId } } }
                        pageInfo { hasNextPage endCursor }
                      }
                    }
                  }
                }""",
                Map.of("id", project.nodeId()))
            .get("data")
            .get("node")
            .get("items");
    assertEquals(issueId, items.get("nodes").get(0).get("content").get("id").asText());
    assertEquals(
        "In progress", items.get("nodes").get(0).get("fieldValueByName").get("name").asText());
    assertFalse(items.get("pageInfo").get("hasNextPage").asBoolean());

    JsonNode viaIssue =
        graphql(
                """
                query($id: ID!) {
                  node(id: $id) {
                    ... on Issue { id number projectItems(first: 10) { nodes { id project { id }
                      fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { name optionId } } } } }
                  }
                }""",
                Map.of("id", issueId))
            .get("data")
            .get("node");
    assertEquals(
        project.nodeId(),
        viaIssue.get("projectItems").get("nodes").get(0).get("project").get("id").asText());
    assertEquals(List.of(), github.graphQlViolations());
  }

  @Test
  void renamedOptionIdsMakeTheOldIdsUnknownAndKeepTheItemsStatus() throws Exception {
    Project project = github.createOrgProject("acme", 2, "Planned", "Complete");
    String issueId =
        json(call("POST", "/repos/o/r/issues", Map.of("title", "t"))).get("node_id").asText();
    String itemId =
        graphql(
                "mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c})"
                    + " { item { id } } }",
                Map.of("p", project.nodeId(), "c", issueId))
            .get("data")
            .get("addProjectV2ItemById")
            .get("item")
            .get("id")
            .asText();
    JsonNode fields =
        graphql(ORG_PROJECT_QUERY, Map.of("login", "acme", "number", 2))
            .get("data")
            .get("organization")
            .get("projectV2");
    String update =
        "mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input:"
            + " {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }";
    String oldPlanned = optionId(fields, "Planned");
    String oldComplete = optionId(fields, "Complete");
    graphql(
        update,
        Map.of("p", project.nodeId(), "i", itemId, "f", statusFieldId(fields), "o", oldPlanned));

    github.renameStatusOptionIds(project);
    assertNotEquals(oldComplete, github.statusOptionId(project, "Complete").orElseThrow());
    assertEquals("Planned", github.projectStatus(project, issueId).orElseThrow());
    JsonNode refused =
        graphql(
            update,
            Map.of(
                "p", project.nodeId(), "i", itemId, "f", statusFieldId(fields), "o", oldComplete));
    assertEquals("INVALID_ARGUMENT", refused.get("errors").get(0).get("type").asText());
    assertTrue(refused.get("errors").get(0).get("message").asText().contains(oldComplete));
    assertTrue(refused.get("data").get("updateProjectV2ItemFieldValue").isNull());
    assertEquals("Planned", github.projectStatus(project, issueId).orElseThrow(), "no data change");

    graphql(
        update,
        Map.of(
            "p",
            project.nodeId(),
            "i",
            itemId,
            "f",
            statusFieldId(fields),
            "o",
            github.statusOptionId(project, "Complete").orElseThrow()));
    assertEquals("Complete", github.projectStatus(project, issueId).orElseThrow());
    assertEquals(List.of(), github.graphQlViolations());
  }

  @Test
  void aGraphQlRequestShowsTheGraphQlRateLimitResource() throws Exception {
    HttpResponse<String> response =
        call("POST", "/graphql", Map.of("query", "{ rateLimit { remaining resetAt cost } }"));
    assertEquals("graphql", response.headers().firstValue("x-ratelimit-resource").orElseThrow());
    JsonNode rate = json(response).get("data").get("rateLimit");
    assertEquals(4999, rate.get("remaining").asInt());
    assertEquals(1, rate.get("cost").asInt());
    assertEquals(
        clock.instant().plus(Duration.ofHours(1)).toString(), rate.get("resetAt").asText());
  }
}
