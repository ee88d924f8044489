package dev.backlog.tracker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The shared, fully configured JSON mapper. Configured once in the class initializer and never
 * changed afterwards, so it is safe to share; thread-safe.
 */
public final class Json {

  /** Sorted map keys, no failure on empty beans; used for every file the module writes. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private Json() {}

  /** Parses JSON text, throwing {@link IllegalArgumentException} with the parser's reason. */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("no JSON value found");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** Compact JSON text of a node. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /** Pretty JSON text of a node, with a trailing newline. */
  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Describes a config value for an error message without echoing strings, objects or arrays, which
   * may hold secrets: numbers, booleans and null are shown, anything else only by its kind.
   */
  public static String describe(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.toString();
    }
    if (node.isTextual()) {
      return node.asText().isBlank() ? "a blank string" : "a string";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    return "a " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** Normalizes JSON text to its compact form. */
  public static String normalize(String text) {
    return compact(parse(text));
  }
}
