package dev.backlog.tracker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.BacklogException;
import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON form of features and feature events that file-based providers store, with a stable field
 * order so that equal values give equal bytes. A feature is an object with {@code code}, {@code
 * title}, {@code phase}, {@code status}, {@code dependsOn}, {@code body}, {@code acceptance}
 * (absent when null) followed by its tracker-only fields in name order.
 *
 * <p>Stateless and thread-safe.
 */
public final class FeatureJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FeatureJson() {}

  /** A feature as a JSON tree. */
  public static ObjectNode toTree(Feature feature) {
    ObjectNode node = NODES.objectNode();
    node.put("code", feature.code().value());
    node.put("title", feature.title());
    if (feature.phase() != null) {
      node.put("phase", feature.phase());
    }
    node.put("status", feature.status().wireName());
    ArrayNode deps = node.putArray("dependsOn");
    feature.dependsOn().forEach(id -> deps.add(id.value()));
    if (feature.body() != null) {
      node.put("body", feature.body());
    }
    if (feature.acceptance() != null) {
      node.set("acceptance", Json.parse(feature.acceptance()));
    }
    for (Map.Entry<String, String> field : feature.fields().entrySet()) {
      node.set(field.getKey(), Json.parse(field.getValue()));
    }
    return node;
  }

  /** A feature as pretty JSON text with a trailing newline. */
  public static String write(Feature feature) {
    return Json.pretty(toTree(feature));
  }

  /**
   * Reads a feature.
   *
   * @throws IllegalArgumentException saying what is wrong when the text is not a valid feature
   */
  public static Feature read(String json) {
    return fromTree(Json.parse(json));
  }

  /**
   * Reads a feature from a JSON tree.
   *
   * @throws IllegalArgumentException saying what is wrong when the tree is not a valid feature
   */
  public static Feature fromTree(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a feature must be a JSON object");
    }
    try {
      Feature.Builder builder =
          Feature.builder(text(node, "code", true), text(node, "title", true))
              .phase(text(node, "phase", false))
              .status(FeatureStatus.fromWireName(text(node, "status", true)))
              .body(text(node, "body", false));
      JsonNode deps = node.get("dependsOn");
      TreeSet<CardId> ids = new TreeSet<>();
      if (deps != null && !deps.isNull()) {
        if (!deps.isArray()) {
          throw new IllegalArgumentException("dependsOn must be an array of ids");
        }
        for (JsonNode dep : deps) {
          if (!dep.isTextual()) {
            throw new IllegalArgumentException("dependsOn holds " + dep + ", not an id");
          }
          ids.add(CardId.of(dep.asText()));
        }
      }
      builder.dependsOn(ids);
      JsonNode acceptance = node.get("acceptance");
      if (acceptance != null && !acceptance.isNull()) {
        builder.acceptance(Json.compact(acceptance));
      }
      SortedMap<String, String> fields = new TreeMap<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!Feature.RESERVED.contains(field.getKey())) {
          fields.put(field.getKey(), Json.compact(field.getValue()));
        }
      }
      return builder.fields(fields).build();
    } catch (BacklogException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** An event as one line of compact JSON. */
  public static String writeEvent(FeatureEvent event) {
    ObjectNode node = NODES.objectNode();
    node.put("id", event.id());
    node.put("code", event.code().value());
    node.put("type", event.type());
    node.put("actor", event.actor());
    node.put("at", event.at().toString());
    node.set("data", Json.parse(event.data()));
    return Json.compact(node);
  }

  /**
   * Reads an event line.
   *
   * @throws IllegalArgumentException saying what is wrong when the line is not a valid event
   */
  public static FeatureEvent readEvent(String line) {
    JsonNode node = Json.parse(line);
    if (!node.isObject()) {
      throw new IllegalArgumentException("an event must be a JSON object");
    }
    try {
      JsonNode data = node.get("data");
      return new FeatureEvent(
          text(node, "id", true),
          CardId.of(text(node, "code", true)),
          text(node, "type", true),
          text(node, "actor", true),
          Instant.parse(text(node, "at", true)),
          data == null ? "{}" : Json.compact(data));
    } catch (BacklogException | DateTimeParseException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String name, boolean required) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException("field '" + name + "' is missing");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field '" + name + "' is " + value + ", not a string");
    }
    return value.asText();
  }
}
