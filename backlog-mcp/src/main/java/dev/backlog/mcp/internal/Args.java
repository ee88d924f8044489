package dev.backlog.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The arguments of one tool call, read with clear refusals: what was wrong, the value, and what to
 * give instead. Not thread-safe; one per call.
 */
final class Args {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String tool;
  private final Map<String, Object> values;

  private Args(String tool, Map<String, Object> values) {
    this.tool = tool;
    this.values = values;
  }

  /** The arguments of a call, refusing any name the tool does not know. */
  static Args of(String tool, Map<String, Object> arguments, Set<String> known) {
    Map<String, Object> values = arguments == null ? Map.of() : arguments;
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw Refusal.invalid(
          tool
              + " has no argument "
              + String.join(", ", unknown)
              + "; its arguments are "
              + String.join(", ", new TreeSet<>(known)));
    }
    return new Args(tool, values);
  }

  /** A nested object read as arguments (one card of create_cards), under a name for messages. */
  static Args nested(String where, Object value, Set<String> known) {
    if (!(value instanceof Map<?, ?> map)) {
      throw Refusal.invalid(where + " must be an object, not " + show(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) map;
    return of(where, fields, known);
  }

  private Object raw(String name) {
    return values.get(name);
  }

  private Object required(String name) {
    Object value = raw(name);
    if (value == null) {
      throw Refusal.invalid(tool + " needs the argument " + name + "; it is missing");
    }
    return value;
  }

  /** An optional string. */
  Optional<String> string(String name) {
    Object value = raw(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw Refusal.invalid(
          tool + ": " + name + " must be a string, not " + show(value) + " (" + kind(value) + ")");
    }
    return Optional.of(s);
  }

  /** A required string. */
  String requiredString(String name) {
    required(name);
    return string(name).orElseThrow();
  }

  /** A required card id, checked for its shape. */
  CardId id(String name) {
    return cardId(name, requiredString(name));
  }

  /** An optional card id. */
  Optional<CardId> optionalId(String name) {
    return string(name).map(v -> cardId(name, v));
  }

  private CardId cardId(String name, String value) {
    Optional<String> problem = CardId.problem(value);
    if (problem.isPresent()) {
      throw Refusal.invalid(tool + ": " + name + ": " + problem.get());
    }
    return CardId.of(value);
  }

  /** An optional whole number. */
  Optional<Long> integer(String name) {
    Object value = raw(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return Optional.of(((Number) value).longValue());
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      if (Math.abs(n.doubleValue()) < 9.0e15) {
        return Optional.of(n.longValue());
      }
    }
    throw Refusal.invalid(
        tool
            + ": "
            + name
            + " must be a whole number, not "
            + show(value)
            + " ("
            + kind(value)
            + ")");
  }

  /** The required lease token. */
  LeaseToken token() {
    required("token");
    long value = integer("token").orElseThrow();
    if (value < 1) {
      throw Refusal.invalid(
          tool
              + ": token "
              + value
              + " is not a lease token; give the lease.token from claim_next");
    }
    return LeaseToken.of(value);
  }

  /** An optional JSON object, as compact JSON text. */
  Optional<String> object(String name) {
    Object value = raw(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map)) {
      throw Refusal.invalid(
          tool
              + ": "
              + name
              + " must be a JSON object, not "
              + show(value)
              + " ("
              + kind(value)
              + ")");
    }
    return Optional.of(json(value));
  }

  /** An optional JSON array or object, as compact JSON text. */
  Optional<String> arrayOrObject(String name) {
    Object value = raw(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map) && !(value instanceof List)) {
      throw Refusal.invalid(
          tool
              + ": "
              + name
              + " must be a JSON array of criteria or a JSON object, not "
              + show(value)
              + " ("
              + kind(value)
              + ")");
    }
    return Optional.of(json(value));
  }

  /** An optional array, or a refusal naming what was given. */
  Optional<List<?>> array(String name) {
    Object value = raw(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof List<?> list)) {
      throw Refusal.invalid(
          tool + ": " + name + " must be an array, not " + show(value) + " (" + kind(value) + ")");
    }
    return Optional.of(list);
  }

  /** An optional array of strings. */
  Optional<List<String>> strings(String name) {
    return array(name)
        .map(
            list -> {
              for (Object item : list) {
                if (!(item instanceof String)) {
                  throw Refusal.invalid(
                      tool + ": " + name + " must hold strings only, not " + show(item));
                }
              }
              return list.stream().map(String.class::cast).toList();
            });
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw Refusal.invalid("cannot read the value as JSON: " + e.getOriginalMessage());
    }
  }

  /** A short rendering of a value for a message. */
  static String show(Object value) {
    String text = value instanceof String s ? "'" + s + "'" : json(value);
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  private static String kind(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof Map) {
      return "an object";
    }
    return "null";
  }
}
