package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The REST calls on one repository the provider uses: issues, comments and files (Contents API).
 * Lists are read page by page through {@code Link} headers, 100 items a page.
 *
 * <p>Thread-safe as its client is.
 */
public final class Repo {

  private final GitHubClient client;
  private final String owner;
  private final String name;
  private final String root;

  /** A file in the repository: its text and blob sha. */
  public record FileContent(String content, String sha) {}

  /** Creates the helper for {@code owner/name}. */
  public Repo(GitHubClient client, String owner, String name) {
    this.client = Objects.requireNonNull(client, "client");
    this.owner = owner;
    this.name = name;
    this.root = "/repos/" + enc(owner) + "/" + enc(name);
  }

  /** The client. */
  public GitHubClient client() {
    return client;
  }

  /**
   * The repository's description (full name, default branch).
   *
   * @throws GitHubException when it does not exist or the token cannot see it
   */
  public JsonNode describe() {
    GitHubClient.Response r = client.get(root);
    if (r.status() == 404) {
      throw new GitHubException(
          GitHubErrorCode.GITHUB_NOT_FOUND,
          "repository "
              + owner
              + "/"
              + name
              + " was not found, or the token cannot see it; check tracker.github.repo and the token's repo scope");
    }
    return r.body();
  }

  /** Every issue (open and closed, pull requests left out), newest first. */
  public List<JsonNode> issues() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode issue : client.getAllPages(root + "/issues?state=all&per_page=100")) {
      if (!issue.has("pull_request")) {
        out.add(issue);
      }
    }
    return out;
  }

  /** One issue, if it exists. */
  public Optional<JsonNode> issue(int number) {
    GitHubClient.Response r = client.get(root + "/issues/" + number);
    return r.status() == 404 ? Optional.empty() : Optional.of(r.body());
  }

  /** Creates an issue. */
  public JsonNode createIssue(String title, String body, Collection<String> labels) {
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    req.put("title", title);
    req.put("body", body);
    ArrayNode l = req.putArray("labels");
    labels.forEach(l::add);
    return expect("POST", root + "/issues", client.write("POST", root + "/issues", req), 201);
  }

  /** Updates an issue with the given fields. */
  public JsonNode patchIssue(int number, ObjectNode fields) {
    String path = root + "/issues/" + number;
    return expect("PATCH", path, client.write("PATCH", path, fields), 200);
  }

  /** Every comment of an issue, oldest first. */
  public List<JsonNode> comments(int number) {
    return client.getAllPages(root + "/issues/" + number + "/comments?per_page=100");
  }

  /** Adds a comment to an issue. */
  public JsonNode comment(int number, String body) {
    String path = root + "/issues/" + number + "/comments";
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    req.put("body", body);
    return expect("POST", path, client.write("POST", path, req), 201);
  }

  /** A file on a branch, if it exists. */
  public Optional<FileContent> file(String path, String branch) {
    GitHubClient.Response r =
        client.get(root + "/contents/" + encPath(path) + "?ref=" + enc(branch));
    if (r.status() == 404) {
      return Optional.empty();
    }
    JsonNode body = r.body();
    if (!"file".equals(body.path("type").asText("file")) || !body.has("sha")) {
      throw new GitHubException(
          GitHubErrorCode.GITHUB_UNAVAILABLE,
          path
              + " on "
              + owner
              + "/"
              + name
              + "@"
              + branch
              + " is not a file; choose another roadmapPath or changelogPath");
    }
    String encoded = body.path("content").asText("");
    String text = new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
    return Optional.of(new FileContent(text, body.path("sha").asText()));
  }

  /**
   * Writes a file on a branch; {@code sha} is the blob being replaced (null to create). Returns the
   * answer as it is (a 409 or 422 is the caller's to handle).
   */
  public GitHubClient.Response putFile(
      String path, String branch, String content, String message, String sha) {
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    req.put("message", message);
    req.put(
        "content", Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)));
    req.put("branch", branch);
    if (sha != null) {
      req.put("sha", sha);
    }
    return client.write("PUT", root + "/contents/" + encPath(path), req);
  }

  private JsonNode expect(String method, String path, GitHubClient.Response r, int status) {
    if (r.status() != status && r.status() / 100 != 2) {
      throw client.failure(method, path, r);
    }
    return r.body();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encPath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/")) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(enc(segment));
    }
    return out.toString();
  }
}
