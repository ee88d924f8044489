package dev.backlog.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.backlog.json.JsonContract;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the OpenAPI 3 document of the route table. Stateless. */
final class OpenApi {

  private OpenApi() {}

  static String document(List<Route> routes) {
    Map<String, List<Route>> byPath = new LinkedHashMap<>();
    for (Route r : routes) {
      byPath.computeIfAbsent(r.template(), k -> new java.util.ArrayList<>()).add(r);
    }
    return JsonContract.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("openapi", "3.0.3");
          g.writeObjectFieldStart("info");
          g.writeStringField("title", "backlog");
          g.writeStringField("version", "1");
          g.writeStringField(
              "description",
              "The backlog's HTTP API: the CLI's JSON contract (docs/cli.md). Errors answer"
                  + " {\"error\":{\"code\",\"category\",\"message\"}}.");
          g.writeEndObject();
          g.writeArrayFieldStart("security");
          g.writeStartObject();
          g.writeArrayFieldStart("bearer");
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndArray();
          g.writeObjectFieldStart("components");
          g.writeObjectFieldStart("securitySchemes");
          g.writeObjectFieldStart("bearer");
          g.writeStringField("type", "http");
          g.writeStringField("scheme", "bearer");
          g.writeEndObject();
          g.writeEndObject();
          g.writeObjectFieldStart("schemas");
          g.writeObjectFieldStart("Error");
          g.writeStringField("type", "object");
          g.writeObjectFieldStart("properties");
          g.writeObjectFieldStart("error");
          g.writeStringField("type", "object");
          g.writeObjectFieldStart("properties");
          for (String f : List.of("code", "category", "message")) {
            g.writeObjectFieldStart(f);
            g.writeStringField("type", "string");
            g.writeEndObject();
          }
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndObject();
          g.writeObjectFieldStart("paths");
          for (Map.Entry<String, List<Route>> path : byPath.entrySet()) {
            g.writeObjectFieldStart(path.getKey());
            for (Route r : path.getValue()) {
              operation(g, r);
            }
            g.writeEndObject();
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private static void operation(JsonGenerator g, Route r) throws IOException {
    g.writeObjectFieldStart(r.method().toLowerCase(Locale.ROOT));
    g.writeStringField("summary", r.summary());
    g.writeArrayFieldStart("parameters");
    if (r.template().contains("{id}")) {
      parameter(g, "id", "path", true);
    }
    for (String q : r.query()) {
      parameter(g, q, "query", false);
    }
    if (r.template().equals("/api/events/stream")) {
      parameter(g, "Last-Event-ID", "header", false);
    }
    g.writeEndArray();
    if (!r.body().isEmpty() || r.template().equals("/api/import")) {
      g.writeObjectFieldStart("requestBody");
      g.writeObjectFieldStart("content");
      if (r.body().isEmpty()) {
        g.writeObjectFieldStart("application/x-ndjson");
        g.writeObjectFieldStart("schema");
        g.writeStringField("type", "string");
        g.writeEndObject();
      } else {
        g.writeObjectFieldStart("application/json");
        g.writeObjectFieldStart("schema");
        g.writeStringField("type", "object");
        g.writeObjectFieldStart("properties");
        for (String f : r.body()) {
          g.writeObjectFieldStart(f);
          g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeObjectFieldStart("responses");
    g.writeObjectFieldStart(r.summary().contains("201") ? "201" : "200");
    g.writeStringField("description", "OK");
    g.writeObjectFieldStart("content");
    g.writeObjectFieldStart(
        r.template().equals("/api/events/stream")
            ? "text/event-stream"
            : r.template().equals("/api/export") ? "application/x-ndjson" : "application/json");
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeObjectFieldStart("default");
    g.writeStringField("description", "An error object");
    g.writeObjectFieldStart("content");
    g.writeObjectFieldStart("application/json");
    g.writeObjectFieldStart("schema");
    g.writeStringField("$ref", "#/components/schemas/Error");
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void parameter(JsonGenerator g, String name, String in, boolean required)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("in", in);
    g.writeBooleanField("required", required);
    g.writeObjectFieldStart("schema");
    g.writeStringField("type", "string");
    g.writeEndObject();
    g.writeEndObject();
  }
}
