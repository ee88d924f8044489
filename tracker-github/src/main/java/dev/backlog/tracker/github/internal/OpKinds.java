package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;

/**
 * The GitHub provider's op kinds, the op-log's pseudo features, the names of its local files, and
 * the op payloads. Op kinds and what they do:
 *
 * <ul>
 *   <li>{@value #CREATE_ISSUE}: creates the feature's issue, unless the issue index, or the issue
 *       list searched for its marker, already has one;
 *   <li>{@value #UPDATE_ISSUE}: merges the feature with its issue through the conflict ledger and
 *       patches what differs (labels merged with people's labels, closed when complete);
 *   <li>{@value #COMMENT}: posts an event as a comment, unless a comment of the issue already
 *       carries its event id;
 *   <li>{@value #PROJECT_STATUS}: adds the issue to the project and sets its Status;
 *   <li>{@value #ROADMAP_PUT}, {@value #CHANGELOG_ENTRY}, {@value #CHANGELOG_PUT}: write a file
 *       through the Contents API with its blob sha, re-reading and retrying up to 3 times on 409 or
 *       422, and skipping the write when the content is unchanged.
 * </ul>
 */
public final class OpKinds {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Op kind: create the issue. */
  public static final String CREATE_ISSUE = "create-issue";

  /** Op kind: bring the issue in line with the feature. */
  public static final String UPDATE_ISSUE = "update-issue";

  /** Op kind: post an event comment. */
  public static final String COMMENT = "comment";

  /** Op kind: set the project Status. */
  public static final String PROJECT_STATUS = "project-status";

  /** Op kind: write the roadmap file. */
  public static final String ROADMAP_PUT = "roadmap-put";

  /** Op kind: splice an entry into the changelog file. */
  public static final String CHANGELOG_ENTRY = "changelog-entry";

  /** Op kind: replace the changelog file. */
  public static final String CHANGELOG_PUT = "changelog-put";

  /** The op-log's pseudo feature for roadmap writes. */
  public static final CardId ROADMAP = CardId.of("github:roadmap");

  /** The op-log's pseudo feature for changelog writes. */
  public static final CardId CHANGELOG = CardId.of("github:changelog");

  /** Local copy of the changelog. */
  public static final String CHANGELOG_FILE = "changelog.md";

  /** Local copy of the roadmap. */
  public static final String ROADMAP_FILE = "roadmap.md";

  /** The blob sha of the roadmap as last written or found on GitHub. */
  public static final String ROADMAP_SHA_FILE = "roadmap.sha";

  private OpKinds() {}

  /** Compact JSON text. */
  public static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /** The payload naming a feature: {@code {"code":"<code>"}}. */
  public static String codeJson(CardId code) {
    return json(JSON.createObjectNode().put("code", code.value()));
  }

  /** The payload of a changelog replacement: {@code {"content":"<content>"}}. */
  public static String contentJson(String content) {
    return json(JSON.createObjectNode().put("content", content));
  }

  /** A changelog entry as op payload. */
  public static String entryJson(ChangelogEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("code", entry.code().value());
    node.put("version", entry.version());
    node.put("summary", entry.summary());
    node.put("body", entry.body());
    node.put("force", entry.force());
    return json(node);
  }

  /** The changelog entry of an op payload written by {@link #entryJson}. */
  static ChangelogEntry entry(String payload) {
    JsonNode node = parse(payload);
    return new ChangelogEntry(
        CardId.of(node.path("code").asText()),
        node.path("version").asText(),
        node.path("summary").asText(),
        node.hasNonNull("body") ? node.get("body").asText() : null,
        node.path("force").asBoolean());
  }

  /** An op payload as a JSON tree. */
  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("op payload is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
