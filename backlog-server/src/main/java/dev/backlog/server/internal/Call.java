package dev.backlog.server.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One API request as a route sees it: path parameters, query parameters and the JSON body, with
 * parsers that collect every problem before failing. Not thread-safe; one per request.
 */
final class Call {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServletRequest request;
  private final Route route;
  private final Map<String, String> params;
  private final long bodyLimit;
  private final List<Violation> problems = new ArrayList<>();
  private String text;
  private JsonNode json;

  Call(HttpServletRequest request, Route route, Map<String, String> params, long bodyLimit) {
    this.request = request;
    this.route = route;
    this.params = params;
    this.bodyLimit = bodyLimit;
  }

  /** The {id} path parameter as a card id. */
  CardId id() {
    return CardId.of(params.get("id"));
  }

  /** The raw body text (bounded). */
  String text() throws IOException {
    if (text == null) {
      text = Http.body(request, bodyLimit);
    }
    return text;
  }

  /**
   * The body as a JSON object with only the route's fields; an empty body is an empty object.
   *
   * @throws InvalidInputException when it is not an object or has other fields
   */
  JsonNode object() throws IOException {
    if (json == null) {
      String body = text();
      if (body.isBlank()) {
        json = MAPPER.createObjectNode();
      } else {
        try {
          json = MAPPER.readTree(body);
        } catch (JacksonException e) {
          throw InvalidInputException.of(
              "body", "the request body is not valid JSON (" + e.getOriginalMessage() + ")");
        }
      }
      if (json == null || !json.isObject()) {
        throw InvalidInputException.of(
            "body",
            "the request body of "
                + routeName()
                + " must be a JSON object"
                + (route.body().isEmpty()
                    ? ", {}, or empty"
                    : " with the fields " + String.join(", ", route.body())));
      }
      Set<String> unknown = new TreeSet<>();
      json.fieldNames().forEachRemaining(unknown::add);
      unknown.removeAll(route.body());
      refuseUnknown(unknown, route.body(), "field", "fields");
    }
    return json;
  }

  /**
   * Refuses a query parameter the route does not read, which would otherwise be ignored silently (a
   * mistyped filter answering everything).
   */
  void rejectUnknownQuery() {
    // The query string itself: getParameterNames() would also read a form-encoded request body.
    String queryString = request.getQueryString();
    if (queryString == null || queryString.isEmpty()) {
      return;
    }
    Set<String> unknown = new TreeSet<>();
    for (String pair : queryString.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      try {
        name = URLDecoder.decode(name, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        // a malformed escape: name it as sent
      }
      if (!name.isEmpty() && !route.query().contains(name)) {
        unknown.add(name);
      }
    }
    refuseUnknown(unknown, route.query(), "query parameter", "query parameters");
  }

  /** Refuses the names the route does not read, naming the ones it does. */
  private void refuseUnknown(Set<String> unknown, List<String> known, String one, String several) {
    if (unknown.isEmpty()) {
      return;
    }
    throw InvalidInputException.of(
        unknown.iterator().next(),
        (unknown.size() == 1 ? one + " '" : several + " '")
            + String.join("', '", unknown)
            + (unknown.size() == 1 ? "' is" : "' are")
            + " not known on "
            + routeName()
            + "; "
            + (known.isEmpty()
                ? "it takes no " + several
                : "its " + several + " are " + String.join(", ", known)));
  }

  private String routeName() {
    return route.method() + " " + route.template();
  }

  /** A string field of the body, or null when absent; a non-string is a problem. */
  String string(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(new Violation(field, field + " must be a string, not " + wrongType(v)));
      return null;
    }
    return v.asText();
  }

  /**
   * An object of strings, such as a lease's attributes; empty when absent. Anything else is a
   * problem.
   */
  Map<String, String> attributes(JsonNode body, String field) {
    JsonNode v = body.get(field);
    Map<String, String> out = new TreeMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      problems.add(
          new Violation(
              field,
              field
                  + " must be an object of strings such as {\"branch\":\"feat/x\"}, not "
                  + wrongType(v)));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        problems.add(
            new Violation(
                field,
                field + "." + e.getKey() + " must be a string, not " + wrongType(e.getValue())));
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /**
   * A field that must be a JSON object, as its compact text; null when absent. Anything else is a
   * problem.
   */
  String jsonObject(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      problems.add(
          new Violation(
              field,
              field
                  + " must be a JSON object such as {\"tests\":\"42 passed\"}, not "
                  + wrongType(v)));
      return null;
    }
    return v.toString();
  }

  /** A whole-number field of the body, or {@code fallback} when absent. */
  Long number(JsonNode body, String field, Long fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      problems.add(new Violation(field, field + " must be a whole number, not " + wrongType(v)));
      return fallback;
    }
    return v.longValue();
  }

  /** A query parameter, or null. */
  String query(String name) {
    String v = request.getParameter(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** A whole-number query parameter, or {@code fallback}. */
  long queryNumber(String name, long fallback) {
    String v = query(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      problems.add(new Violation(name, name + " '" + v + "' is not a whole number"));
      return fallback;
    }
  }

  /**
   * A value of the wrong type as a message shows it: the value ({@link #show}), a string in quotes,
   * and its kind, such as {@code 'abc' (a string)} or {@code 1.5 (a number)}.
   */
  static String wrongType(JsonNode v) {
    String kind =
        v.isTextual()
            ? "a string"
            : v.isNumber()
                ? "a number"
                : v.isBoolean() ? "a boolean" : v.isArray() ? "an array" : "an object";
    return (v.isTextual() ? "'" + show(v) + "'" : show(v)) + " (" + kind + ")";
  }

  /** A JSON value as a message shows it: at most 60 characters of its text. */
  static String show(JsonNode v) {
    String text = v == null ? "null" : v.isTextual() ? v.asText() : v.toString();
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  /** Records a problem found by a route. */
  void problem(String field, String message) {
    problems.add(new Violation(field, message));
  }

  /** Fails with every problem collected so far, if any. */
  void check() {
    if (!problems.isEmpty()) {
      throw new InvalidInputException(List.copyOf(problems));
    }
  }
}
