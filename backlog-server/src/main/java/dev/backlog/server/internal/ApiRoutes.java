package dev.backlog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.json.JsonContract;
import dev.backlog.json.PlanFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The API's route table: every route with its handler, each answering in the CLI's JSON contract.
 * The OpenAPI document is written from this table. Thread-safe.
 */
final class ApiRoutes {

  /** The events a page holds when the request names no limit, as {@code backlog events}. */
  static final int DEFAULT_EVENT_LIMIT = 1000;

  private static final List<String> CLAIM_FIELDS =
      List.of(
          "owner", "ttlSeconds", "limit", "phase", "id", "waitSeconds", "leasePhase", "attributes");

  private final Backlog backlog;
  private final List<Route> routes = new ArrayList<>();

  ApiRoutes(Backlog backlog) {
    this.backlog = backlog;
    cards();
    leases();
    new SchedulingRoutes(backlog).addTo(this);
    reports();
    transfer();
  }

  /** Every route, in the order the OpenAPI document lists them. */
  List<Route> routes() {
    return List.copyOf(routes);
  }

  void add(
      String method,
      String template,
      String summary,
      List<String> query,
      List<String> body,
      Route.Handler handler) {
    routes.add(new Route(method, template, summary, query, body, handler));
  }

  private void cards() {
    add(
        "GET",
        "/api/cards",
        "List cards, optionally by status and phase.",
        List.of("status", "phase", "limit"),
        List.of(),
        call -> {
          String status = call.query("status");
          CardStatus wanted = null;
          try {
            wanted = status == null ? null : CardStatus.fromWireName(status);
          } catch (InvalidInputException e) {
            e.violations().forEach(v -> call.problem(v.field(), v.message()));
          }
          long limit = call.queryNumber("limit", CardQuery.MAX_LIMIT);
          call.check();
          CardQuery query = new CardQuery(wanted, call.query("phase"), false, clamp(limit));
          return Route.Answer.ok(JsonContract.cards(backlog.list(query)));
        });
    add(
        "GET",
        "/api/cards/{id}",
        "One card.",
        List.of(),
        List.of(),
        call -> Route.Answer.ok(JsonContract.card(backlog.get(call.id()))));
    add(
        "POST",
        "/api/cards",
        "Create a card from one import line; answers 201 with the card.",
        List.of(),
        List.of(
            "id",
            "title",
            "body",
            "phase",
            "priority",
            "dependsOn",
            "acceptance",
            "idempotencyKey",
            "maxAttempts",
            "status",
            "blockedReason"),
        call -> {
          JsonNode node = call.object();
          PlanFile.Entry entry = PlanFile.card(node);
          Card card =
              backlog.inTransaction(
                  tx -> {
                    Card created = tx.create(entry.card());
                    return entry.done() ? tx.forceComplete(created.id()) : created;
                  });
          return Route.Answer.created(JsonContract.card(card));
        });
    simple("block", "Block a card (revokes its lease).", (id, reason) -> backlog.block(id, reason));
    simple("unblock", "Make a blocked card ready again.", (id, reason) -> backlog.unblock(id));
    simple("reopen", "Make a done card ready again.", (id, reason) -> backlog.reopen(id));
    add(
        "POST",
        "/api/links",
        "Make card 'from' depend on card 'to'; answers the 'from' card.",
        List.of(),
        List.of("from", "to"),
        call -> {
          JsonNode body = call.object();
          String from = required(call, body, "from");
          String to = required(call, body, "to");
          call.check();
          return Route.Answer.ok(JsonContract.card(backlog.link(CardId.of(from), CardId.of(to))));
        });
    add(
        "DELETE",
        "/api/links",
        "Remove the dependency of 'from' on 'to'; answers the 'from' card.",
        List.of("from", "to"),
        List.of(),
        call -> {
          String from = call.query("from");
          String to = call.query("to");
          if (from == null) {
            call.problem("from", "query parameter 'from' is required: the dependent card's id");
          }
          if (to == null) {
            call.problem("to", "query parameter 'to' is required: the dependency's id");
          }
          call.check();
          return Route.Answer.ok(JsonContract.card(backlog.unlink(CardId.of(from), CardId.of(to))));
        });
  }

  private void simple(String verb, String summary, BiFunction<CardId, String, Card> action) {
    add(
        "POST",
        "/api/cards/{id}/" + verb,
        summary,
        List.of(),
        List.of("reason"),
        call -> {
          JsonNode body = call.object();
          String reason = call.string(body, "reason");
          call.check();
          return Route.Answer.ok(JsonContract.card(action.apply(call.id(), reason)));
        });
  }

  private void leases() {
    add(
        "POST",
        "/api/claims",
        "Claim the best claimable card(s): a card, null, or an array when limit > 1;"
            + " waitSeconds long-polls.",
        List.of(),
        CLAIM_FIELDS,
        call -> {
          JsonNode body = call.object();
          String owner = call.string(body, "owner");
          long ttl = call.number(body, "ttlSeconds", ClaimRequest.DEFAULT_TTL.toSeconds());
          long limit = call.number(body, "limit", 1L);
          String phase = call.string(body, "phase");
          String id = call.string(body, "id");
          long wait = call.number(body, "waitSeconds", 0L);
          String leasePhase = call.string(body, "leasePhase");
          Map<String, String> attributes = call.attributes(body, "attributes");
          if (owner == null) {
            call.problem("owner", "owner is required: name the worker that claims");
          }
          call.check();
          ClaimRequest.Builder request =
              ClaimRequest.builder(owner)
                  .ttl(Duration.ofSeconds(ttl))
                  .limit(clamp(limit))
                  .phase(phase)
                  .maxWait(Duration.ofSeconds(wait))
                  .leasePhase(leasePhase)
                  .attributes(attributes);
          if (id != null) {
            request.card(CardId.of(id));
          }
          List<Card> cards = backlog.claim(request.build()).stream().map(Claim::card).toList();
          if (limit > 1) {
            return Route.Answer.ok(JsonContract.cards(cards));
          }
          return Route.Answer.ok(JsonContract.cardOrNull(cards.isEmpty() ? null : cards.get(0)));
        });
    add(
        "POST",
        "/api/cards/{id}/renew",
        "Extend the lease; needs its token. 'phase' replaces the lease phase, 'attributes' are"
            + " merged into the lease's.",
        List.of(),
        List.of("token", "ttlSeconds", "phase", "attributes"),
        call -> {
          JsonNode body = call.object();
          LeaseToken token = token(call, body);
          long ttl = call.number(body, "ttlSeconds", ClaimRequest.DEFAULT_TTL.toSeconds());
          String phase = call.string(body, "phase");
          Map<String, String> attributes = call.attributes(body, "attributes");
          call.check();
          LeaseChange change = LeaseChange.of(phase, attributes);
          return Route.Answer.ok(
              JsonContract.card(backlog.renew(call.id(), token, Duration.ofSeconds(ttl), change)));
        });
    add(
        "POST",
        "/api/cards/{id}/complete",
        "Complete a claimed card; needs its lease token. 'evidence' (a JSON object of at most"
            + " 16 KiB) is kept on the run and in the completed event.",
        List.of(),
        List.of("token", "evidence"),
        call -> {
          JsonNode body = call.object();
          LeaseToken token = token(call, body);
          String evidence = call.jsonObject(body, "evidence");
          call.check();
          return Route.Answer.ok(
              JsonContract.card(
                  evidence == null
                      ? backlog.complete(call.id(), token)
                      : backlog.complete(call.id(), token, evidence)));
        });
    add(
        "POST",
        "/api/cards/{id}/release",
        "Give a claimed card back; needs its lease token; 'reason' is kept on the run.",
        List.of(),
        List.of("token", "reason"),
        call -> {
          JsonNode body = call.object();
          LeaseToken token = token(call, body);
          String reason = call.string(body, "reason");
          call.check();
          return Route.Answer.ok(JsonContract.card(backlog.release(call.id(), token, reason)));
        });
    add(
        "POST",
        "/api/cards/{id}/fail",
        "Report failure: the card becomes ready, or blocked at its attempt limit.",
        List.of(),
        List.of("token", "reason"),
        call -> {
          JsonNode body = call.object();
          LeaseToken token = token(call, body);
          String reason = call.string(body, "reason");
          call.check();
          return Route.Answer.ok(JsonContract.card(backlog.fail(call.id(), token, reason)));
        });
  }

  private void reports() {
    add(
        "GET",
        "/api/stats",
        "Counts per status and phase, claimable count, oldest claimable age, expired leases.",
        List.of(),
        List.of(),
        call -> Route.Answer.ok(JsonContract.stats(backlog.stats())));
    add(
        "GET",
        "/api/graph",
        "The dependency DAG: nodes and edges (from a card to its dependency).",
        List.of(),
        List.of(),
        call -> Route.Answer.ok(JsonContract.graph(sortedCards())));
    add(
        "GET",
        "/api/events",
        "A page of events after a seq, optionally of one card.",
        List.of("after", "card", "limit"),
        List.of(),
        call -> {
          long after = call.queryNumber("after", 0);
          long limit = call.queryNumber("limit", DEFAULT_EVENT_LIMIT);
          String card = call.query("card");
          call.check();
          CardId cardId = card == null ? null : CardId.of(card);
          if (cardId != null) {
            // A mistyped id is a 404, not an empty page.
            backlog.get(cardId);
          }
          List<Event> events = backlog.events(new EventQuery(after, cardId, clamp(limit)));
          return Route.Answer.ok(JsonContract.events(events));
        });
    add(
        "GET",
        "/api/events/stream",
        "Server-Sent Events: one per committed event, id = seq; resume with Last-Event-ID.",
        List.of("after"),
        List.of(),
        null);
  }

  private void transfer() {
    add(
        "POST",
        "/api/import",
        "Import a JSON Lines plan (as 'backlog export' writes), all or nothing.",
        List.of(),
        List.of(),
        call -> {
          PlanFile.Result result =
              PlanFile.parse("the request body", call.text().lines().toList())
                  .importInto(backlog, null);
          return Route.Answer.ok(
              JsonContract.render(
                  g -> {
                    g.writeStartObject();
                    g.writeNumberField("imported", result.total());
                    g.writeNumberField("done", result.done());
                    g.writeNumberField("blocked", result.blocked());
                    g.writeEndObject();
                  }));
        });
    add(
        "GET",
        "/api/export",
        "Every card as JSON Lines, sorted by id, as 'backlog export' writes.",
        List.of(),
        List.of(),
        call -> {
          StringBuilder out = new StringBuilder();
          for (Card card : sortedCards()) {
            out.append(JsonContract.card(card)).append('\n');
          }
          return new Route.Answer(200, out.toString(), "application/x-ndjson;charset=utf-8");
        });
    add(
        "GET",
        "/api/openapi.json",
        "This document.",
        List.of(),
        List.of(),
        call -> Route.Answer.ok(OpenApi.document(routes)));
  }

  private List<Card> sortedCards() {
    return backlog.list(CardQuery.ALL).stream().sorted(Comparator.comparing(Card::id)).toList();
  }

  /** A long as an int for the core's range checks, which then name the value. */
  static int clamp(long value) {
    return (int) Math.max(Math.min(value, Integer.MAX_VALUE), Integer.MIN_VALUE);
  }

  private static String required(Call call, JsonNode body, String field) {
    String value = call.string(body, field);
    if (value == null && !body.has(field)) {
      call.problem(field, field + " is required: a card id");
    }
    return value;
  }

  static LeaseToken token(Call call, JsonNode body) {
    Long token = call.number(body, "token", null);
    if (token == null) {
      if (!body.hasNonNull("token")) {
        call.problem("token", "token is required: the lease token the claim returned");
      }
      // Otherwise the number's own check has said what is wrong with it.
      return null;
    }
    if (token < 1) {
      call.problem(
          "token",
          "token " + token + " is not a lease token; give the lease.token the claim returned");
      return null;
    }
    return LeaseToken.of(token);
  }
}
