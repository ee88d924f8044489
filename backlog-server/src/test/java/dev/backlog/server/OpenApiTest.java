package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  /** Every route the issue names; the document and the server must both know each. */
  static final List<String> ROUTES =
      List.of(
          "GET /api/cards",
          "GET /api/cards/{id}",
          "POST /api/cards",
          "POST /api/claims",
          "POST /api/cards/{id}/renew",
          "POST /api/cards/{id}/complete",
          "POST /api/cards/{id}/release",
          "POST /api/cards/{id}/fail",
          "POST /api/cards/{id}/block",
          "POST /api/cards/{id}/unblock",
          "POST /api/cards/{id}/reopen",
          "PATCH /api/cards/{id}",
          "GET /api/cards/{id}/history",
          "GET /api/cards/{id}/explain",
          "POST /api/cards/{id}/defer",
          "POST /api/cards/{id}/undefer",
          "GET /api/queue",
          "GET /api/waves",
          "POST /api/links",
          "DELETE /api/links",
          "GET /api/stats",
          "GET /api/graph",
          "GET /api/events",
          "GET /api/events/stream",
          "POST /api/import",
          "GET /api/export",
          "GET /api/openapi.json");

  @Test
  void theDocumentListsEveryRouteAndTheServerAnswersEachOne() {
    try (Served s = new Served()) {
      JsonNode doc = s.get("/api/openapi.json").json();
      assertTrue(doc.get("openapi").asText().startsWith("3."));
      int operations = 0;
      for (var path : (Iterable<java.util.Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
        operations += path.getValue().size();
      }
      assertEquals(ROUTES.size(), operations, "the document lists routes the issue does not");
      for (String route : ROUTES) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        JsonNode op = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        assertTrue(op.isObject(), route + " is missing from the OpenAPI document");
        assertTrue(op.hasNonNull("summary"), route + " has no summary");
        if (path.equals("/api/events/stream")) {
          continue;
        }
        String concrete = path.replace("{id}", "NOPE");
        Served.Reply r =
            s.send(
                s.request(concrete)
                    .method(
                        method,
                        HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{}"))
                    .build());
        assertNotEquals("NO_SUCH_ROUTE", r.status() == 404 ? r.errorCode() : "", route);
        assertNotEquals(405, r.status(), route);
      }
    }
  }
}
