package dev.backlog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.Backlog;
import dev.backlog.core.CardUpdate;
import dev.backlog.json.JsonContract;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes of the scheduling verbs: a card's runs ({@code history}), why it is (not) claimable
 * ({@code explain}), the claim order ({@code queue}), the parallel waves, deferral, and the
 * versioned update of a card's descriptive fields. Each answers exactly as the CLI's {@code --json}
 * does. Thread-safe.
 */
final class SchedulingRoutes {

  /** The cards {@code GET /api/queue} lists when the request names no limit, as the CLI. */
  static final int DEFAULT_QUEUE_LIMIT = 20;

  private static final List<String> UPDATE_FIELDS =
      List.of("title", "body", "phase", "priority", "acceptance", "maxAttempts", "ifVersion");

  private final Backlog backlog;

  SchedulingRoutes(Backlog backlog) {
    this.backlog = backlog;
  }

  void addTo(ApiRoutes table) {
    table.add(
        "PATCH",
        "/api/cards/{id}",
        "Update a card's descriptive fields (title, body, phase, priority, acceptance,"
            + " maxAttempts; null clears all but title and priority); with ifVersion, refused with"
            + " 409 VERSION_CONFLICT when the card has moved on.",
        List.of(),
        UPDATE_FIELDS,
        call -> {
          JsonNode body = call.object();
          Long ifVersion = call.number(body, "ifVersion", null);
          CardUpdate.Builder update = CardUpdate.builder();
          List<String> given = new ArrayList<>();
          body.fieldNames().forEachRemaining(given::add);
          for (String field : given) {
            JsonNode v = body.get(field);
            switch (field) {
              case "title", "body", "phase" -> {
                if (v.isNull() || v.isTextual()) {
                  update.set(field, v.isNull() ? null : v.asText());
                } else {
                  call.problem(
                      field, field + " must be a string or null, not " + Call.wrongType(v));
                }
              }
              case "priority", "maxAttempts" -> {
                Long n = call.number(body, field, null);
                if (n != null) {
                  update.set(field, field.equals("maxAttempts") && n == 0 ? null : n.toString());
                } else if (v.isNull()) {
                  update.set(field, null);
                }
              }
              case "acceptance" ->
                  update.acceptance(v.isNull() ? null : v.isTextual() ? v.asText() : v.toString());
              default -> {
                // ifVersion, read above.
              }
            }
          }
          if (given.stream().allMatch("ifVersion"::equals)) {
            call.problem(
                "body",
                "the update sets no field; give at least one of "
                    + UPDATE_FIELDS.subList(0, UPDATE_FIELDS.size() - 1));
          }
          call.check();
          return Route.Answer.ok(
              JsonContract.card(backlog.update(call.id(), update.build(), ifVersion)));
        });
    table.add(
        "GET",
        "/api/cards/{id}/history",
        "The card's runs, oldest first, one per claim (owner, token, outcome, evidence).",
        List.of(),
        List.of(),
        call -> Route.Answer.ok(JsonContract.runs(backlog.history(call.id()))));
    table.add(
        "GET",
        "/api/cards/{id}/explain",
        "Why the card is or is not claimable; its rank in the claim order when it is.",
        List.of(),
        List.of(),
        call -> Route.Answer.ok(JsonContract.explanation(backlog.explain(call.id()))));
    table.add(
        "POST",
        "/api/cards/{id}/defer",
        "Make a ready card unclaimable until an instant ('until', ISO-8601) or for a while"
            + " ('forSeconds').",
        List.of(),
        List.of("until", "forSeconds"),
        call -> {
          JsonNode body = call.object();
          String until = call.string(body, "until");
          Long seconds = call.number(body, "forSeconds", null);
          Instant instant = null;
          if ((until == null) == (seconds == null)) {
            call.problem(
                "body",
                "give exactly one of 'until' (an ISO-8601 instant such as 2026-12-07T10:00:00Z)"
                    + " and 'forSeconds' (a positive number of seconds)");
          } else if (until != null) {
            try {
              instant = Instant.parse(until.trim());
            } catch (DateTimeParseException e) {
              call.problem(
                  "until",
                  "until '"
                      + Call.show(body.get("until"))
                      + "' is not an ISO-8601 instant; give one such as 2026-12-07T10:00:00Z");
            }
          } else if (seconds <= 0) {
            call.problem(
                "forSeconds", "forSeconds " + seconds + " must be a positive number of seconds");
          }
          call.check();
          return Route.Answer.ok(
              JsonContract.card(
                  instant != null
                      ? backlog.defer(call.id(), instant)
                      : backlog.deferFor(call.id(), Duration.ofSeconds(seconds))));
        });
    table.add(
        "POST",
        "/api/cards/{id}/undefer",
        "Lift a card's deferral now.",
        List.of(),
        List.of(),
        call -> {
          call.object();
          return Route.Answer.ok(JsonContract.card(backlog.undefer(call.id())));
        });
    table.add(
        "GET",
        "/api/queue",
        "The claimable cards in exactly the claim order (limit defaults to 20).",
        List.of("phase", "limit"),
        List.of(),
        call -> {
          long limit = call.queryNumber("limit", DEFAULT_QUEUE_LIMIT);
          String phase = call.query("phase");
          call.check();
          return Route.Answer.ok(JsonContract.cards(backlog.queue(phase, ApiRoutes.clamp(limit))));
        });
    table.add(
        "GET",
        "/api/waves",
        "The cards not yet done in parallel waves, the largest wave and a critical path.",
        List.of("phase"),
        List.of(),
        call -> Route.Answer.ok(JsonContract.waves(backlog.waves(call.query("phase")))));
  }
}
