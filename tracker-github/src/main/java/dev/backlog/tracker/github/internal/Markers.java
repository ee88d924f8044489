package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How features and events look on GitHub, and how to read them back. An issue's title is {@code
 * [CODE] title}; its body is the feature's body followed by a hidden {@code <!--backlog:feature
 * {json}-->} marker holding the code, the id of the op that created the issue and the fields an
 * issue has no place for (phase, dependencies, acceptance, tracker-only fields). A comment ends
 * with {@code <!--backlog:event {json}-->} holding the event and its id. The marker JSON escapes
 * {@code <} and {@code >}, so no value can end the HTML comment early.
 *
 * <p>Stateless and thread-safe.
 */
public final class Markers {

  /** The label every feature issue carries. */
  public static final String BACKLOG_LABEL = "backlog";

  /** The prefix of the status label. */
  public static final String STATUS_PREFIX = "status:";

  private static final String FEATURE_OPEN = "<!--backlog:feature ";
  private static final String EVENT_OPEN = "<!--backlog:event ";
  private static final String CLOSE = "-->";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private Markers() {}

  /** What a feature marker holds. */
  public record FeatureMarker(CardId code, String op, ObjectNode data) {}

  /** The issue title of a feature. */
  public static String title(Feature feature) {
    return "[" + feature.code().value() + "] " + feature.title();
  }

  /**
   * The feature title inside an issue title: without the {@code [CODE] } prefix when it is there.
   */
  public static String featureTitle(CardId code, String issueTitle) {
    String prefix = "[" + code.value() + "] ";
    return issueTitle.startsWith(prefix) ? issueTitle.substring(prefix.length()) : issueTitle;
  }

  /** The issue body of a feature: its body, a blank line, then the marker. */
  public static String issueBody(Feature feature, String createOp) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("code", feature.code().value());
    node.put("op", createOp);
    if (feature.phase() != null) {
      node.put("phase", feature.phase());
    }
    ArrayNode deps = node.putArray("dependsOn");
    feature.dependsOn().forEach(d -> deps.add(d.value()));
    if (feature.acceptance() != null) {
      node.set("acceptance", parse(feature.acceptance()));
    }
    ObjectNode fields = node.putObject("fields");
    feature.fields().forEach((name, json) -> fields.set(name, parse(json)));
    String marker = FEATURE_OPEN + safeJson(node) + CLOSE;
    return feature.body() == null ? marker : feature.body() + "\n\n" + marker;
  }

  /** The feature marker in an issue body, if it has a readable one. */
  public static Optional<FeatureMarker> featureMarker(String body) {
    return markerJson(body, FEATURE_OPEN)
        .flatMap(
            node -> {
              JsonNode code = node.get("code");
              if (code == null || !code.isTextual() || CardId.problem(code.asText()).isPresent()) {
                return Optional.empty();
              }
              JsonNode op = node.get("op");
              return Optional.of(
                  new FeatureMarker(CardId.of(code.asText()), op == null ? "" : op.asText(), node));
            });
  }

  /**
   * The part of an issue body people wrote: everything before the marker, or null when that is
   * empty.
   */
  public static String humanBody(String body) {
    if (body == null) {
      return null;
    }
    String text = body.replace("\r\n", "\n");
    int at = text.lastIndexOf(FEATURE_OPEN);
    if (at >= 0 && text.indexOf(CLOSE, at) >= 0) {
      text = text.substring(0, at);
      if (text.endsWith("\n\n")) {
        text = text.substring(0, text.length() - 2);
      }
    }
    return text.isBlank() ? null : text;
  }

  /**
   * Rebuilds a feature from an issue (for an issue whose feature is not known locally).
   *
   * @throws IllegalArgumentException when the marker's fields are not a valid feature
   */
  public static Feature featureOf(
      FeatureMarker marker, String issueTitle, String issueBody, FeatureStatus status) {
    ObjectNode data = marker.data();
    Feature.Builder builder =
        Feature.builder(marker.code().value(), featureTitle(marker.code(), issueTitle))
            .status(status)
            .body(humanBody(issueBody));
    JsonNode phase = data.get("phase");
    if (phase != null && phase.isTextual()) {
      builder.phase(phase.asText());
    }
    JsonNode deps = data.get("dependsOn");
    if (deps != null && deps.isArray()) {
      deps.forEach(d -> builder.dependsOn(d.asText()));
    }
    JsonNode acceptance = data.get("acceptance");
    if (acceptance != null && !acceptance.isNull()) {
      builder.acceptance(acceptance.toString());
    }
    JsonNode fields = data.get("fields");
    if (fields != null && fields.isObject()) {
      fields.properties().forEach(f -> builder.field(f.getKey(), f.getValue().toString()));
    }
    try {
      return builder.build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the marker of " + marker.code() + " holds an invalid feature: " + e.getMessage(), e);
    }
  }

  /** The comment body of an event: a readable line, the data when there is any, and the marker. */
  public static String commentBody(FeatureEvent event) {
    StringBuilder out = new StringBuilder();
    out.append("**")
        .append(event.type())
        .append("** by ")
        .append(event.actor())
        .append(" at ")
        .append(event.at());
    if (!event.data().equals("{}")) {
      out.append("\n\n`").append(event.data().replace("`", "'")).append('`');
    }
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", event.id());
    node.put("code", event.code().value());
    node.put("type", event.type());
    node.put("actor", event.actor());
    node.put("at", event.at().toString());
    node.set("data", parse(event.data()));
    out.append("\n\n").append(EVENT_OPEN).append(safeJson(node)).append(CLOSE);
    return out.toString();
  }

  /** The event id in a comment's marker, if it has one. */
  public static Optional<String> eventId(String commentBody) {
    return markerJson(commentBody, EVENT_OPEN)
        .map(node -> node.get("id"))
        .filter(JsonNode::isTextual)
        .map(JsonNode::asText);
  }

  /** The event a comment's marker holds, if it is readable. */
  public static Optional<FeatureEvent> event(String commentBody) {
    return markerJson(commentBody, EVENT_OPEN)
        .flatMap(
            node -> {
              try {
                return Optional.of(
                    new FeatureEvent(
                        node.get("id").asText(),
                        CardId.of(node.get("code").asText()),
                        node.get("type").asText(),
                        node.get("actor").asText(),
                        Instant.parse(node.get("at").asText()),
                        node.get("data").toString()));
              } catch (RuntimeException e) {
                return Optional.empty();
              }
            });
  }

  /**
   * The labels an issue should carry: the labels people put on it (kept as they are), plus {@code
   * backlog} and the one status label, replacing any other status label.
   */
  public static SortedSet<String> labels(Collection<String> current, FeatureStatus status) {
    SortedSet<String> out = new TreeSet<>();
    for (String label : current) {
      if (!label.equalsIgnoreCase(BACKLOG_LABEL)
          && !label.toLowerCase(Locale.ROOT).startsWith(STATUS_PREFIX)) {
        out.add(label);
      }
    }
    out.add(BACKLOG_LABEL);
    out.add(STATUS_PREFIX + status.wireName());
    return out;
  }

  /** The status a set of labels shows, when exactly one known status label is present. */
  public static Optional<FeatureStatus> statusOf(Collection<String> labels) {
    FeatureStatus found = null;
    for (String label : labels) {
      if (label.toLowerCase(Locale.ROOT).startsWith(STATUS_PREFIX)) {
        String name = label.substring(STATUS_PREFIX.length());
        for (FeatureStatus s : FeatureStatus.values()) {
          if (s.wireName().equalsIgnoreCase(name)) {
            if (found != null && found != s) {
              return Optional.empty();
            }
            found = s;
          }
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /** The managed fields of a feature as the conflict ledger compares them. */
  public static Map<String, String> managed(String title, String body, FeatureStatus status) {
    Map<String, String> out = new TreeMap<>();
    out.put("title", title);
    if (body != null) {
      out.put("body", body);
    }
    if (status != null) {
      out.put("status", status.wireName());
    }
    return out;
  }

  private static Optional<ObjectNode> markerJson(String body, String open) {
    if (body == null) {
      return Optional.empty();
    }
    int at = body.lastIndexOf(open);
    if (at < 0) {
      return Optional.empty();
    }
    int end = body.indexOf(CLOSE, at);
    if (end < 0) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(body.substring(at + open.length(), end));
      return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String safeJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node).replace("<", "\\u003c").replace(">", "\\u003e");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }
}
