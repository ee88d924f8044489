package dev.backlog.server.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One API route: a method, a path template such as {@code /api/cards/{id}/renew}, what it does (for
 * the OpenAPI document) and its handler. Immutable.
 *
 * @param method the HTTP method
 * @param template the path, with {@code {name}} for a path parameter
 * @param summary one sentence for the OpenAPI document
 * @param query the query parameters it reads, for the OpenAPI document
 * @param body the JSON fields of its request body, empty for none
 * @param handler what it does
 * @param parts the template's path segments, split once
 */
record Route(
    String method,
    String template,
    String summary,
    List<String> query,
    List<String> body,
    Handler handler,
    List<String> parts) {

  /** Runs a route. */
  @FunctionalInterface
  interface Handler {
    /** Handles one call; returns the answer. */
    Answer handle(Call call) throws IOException;
  }

  /**
   * A status and a JSON body.
   *
   * @param status the HTTP status
   * @param json the body
   * @param contentType its media type
   */
  record Answer(int status, String json, String contentType) {
    static Answer ok(String json) {
      return new Answer(200, json, Http.JSON_TYPE);
    }

    static Answer created(String json) {
      return new Answer(201, json, Http.JSON_TYPE);
    }
  }

  Route {
    query = List.copyOf(query);
    body = List.copyOf(body);
    parts = List.copyOf(parts);
  }

  Route(
      String method,
      String template,
      String summary,
      List<String> query,
      List<String> body,
      Handler handler) {
    this(
        method, template, summary, query, body, handler, List.of(template.substring(1).split("/")));
  }

  /** The path parameters when the path fits the template, else null. */
  Map<String, String> match(String[] segments) {
    if (parts.size() != segments.length) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < segments.length; i++) {
      String part = parts.get(i);
      if (part.startsWith("{")) {
        if (params == null) {
          params = new HashMap<>(4);
        }
        params.put(part.substring(1, part.length() - 1), segments[i]);
      } else if (!part.equals(segments[i])) {
        return null;
      }
    }
    return params == null ? Map.of() : params;
  }
}
