package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardQuery;
import dev.backlog.core.EventQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiTest {

  private final Served s = new Served();

  @AfterEach
  void stop() {
    s.close();
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  @Test
  void createAnswers201WithTheCardInTheClisContract() {
    Served.Reply r =
        s.post(
            "/api/cards",
            "{\"id\":\"A1\",\"title\":\"Parser\",\"body\":\"b\",\"phase\":\"p1\",\"priority\":5,"
                + "\"acceptance\":[\"parses\"],\"idempotencyKey\":\"k1\",\"maxAttempts\":2}");
    assertEquals(201, r.status(), r.toString());
    JsonNode card = r.json();
    assertEquals("A1", card.get("id").asText());
    assertEquals("ready", card.get("status").asText());
    assertEquals("p1", card.get("phase").asText());
    assertEquals(5, card.get("priority").asInt());
    assertEquals("parses", card.get("acceptance").get(0).asText());
    assertEquals(2, card.get("maxAttempts").asInt());
    assertTrue(card.get("lease").isNull());
    assertEquals(
        dev.backlog.json.JsonContract.card(s.backlog.get(dev.backlog.core.CardId.of("A1"))),
        s.get("/api/cards/A1").body());
  }

  @Test
  void listFiltersByStatusPhaseAndLimit() {
    s.create("{\"id\":\"A\",\"title\":\"a\",\"phase\":\"x\"}");
    s.create("{\"id\":\"B\",\"title\":\"b\",\"phase\":\"y\"}");
    s.create("{\"id\":\"C\",\"title\":\"c\",\"phase\":\"x\",\"status\":\"blocked\"}");
    assertEquals(
        List.of("A", "B", "C"), ids(s.get("/api/cards").json()).stream().sorted().toList());
    assertEquals(
        List.of("A", "C"), ids(s.get("/api/cards?phase=x").json()).stream().sorted().toList());
    assertEquals(List.of("C"), ids(s.get("/api/cards?status=blocked").json()));
    assertEquals(1, s.get("/api/cards?limit=1").json().size());
    Served.Reply bad = s.get("/api/cards?status=started&limit=many");
    assertEquals(400, bad.status());
    assertEquals("INVALID_INPUT", bad.errorCode());
    assertEquals("invalid_input", bad.json().path("error").path("category").asText());
    assertTrue(bad.body().contains("many"), bad.body());
  }

  /** The message of a 400 {@code INVALID_INPUT} answer. */
  private static String invalidInput(Served.Reply reply) {
    assertEquals(400, reply.status(), reply.toString());
    assertEquals("INVALID_INPUT", reply.errorCode(), reply.toString());
    return reply.json().path("error").path("message").asText();
  }

  @Test
  void aQueryParameterTheRouteDoesNotReadIsRefusedNotIgnored() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    assertEquals(
        "query parameter 'state' is not known on GET /api/cards; its query parameters are"
            + " status, phase, limit",
        invalidInput(s.get("/api/cards?state=done")));
    assertEquals(
        "query parameters 'verbose', 'x y' are not known on GET /api/stats; it takes no query"
            + " parameters",
        invalidInput(s.get("/api/stats?verbose=1&x%20y=2")));
    assertEquals(1, s.get("/api/cards?phase=&limit=5").json().size(), "known names, empty values");
  }

  @Test
  void aBodyFieldTheRouteDoesNotReadIsRefusedNamingTheOnesItReads() {
    assertEquals(
        "field 'ttl' is not known on POST /api/claims; its fields are owner, ttlSeconds, limit,"
            + " phase, id, waitSeconds, leasePhase, attributes",
        invalidInput(s.post("/api/claims", "{\"owner\":\"w\",\"ttl\":60}")));
    assertEquals(
        "field 'now' is not known on POST /api/cards/{id}/undefer; it takes no fields",
        invalidInput(s.post("/api/cards/A/undefer", "{\"now\":true}")));
    assertEquals(
        "the request body of POST /api/cards/{id}/complete must be a JSON object with the fields"
            + " token, evidence",
        invalidInput(s.post("/api/cards/A/complete", "[1]")));
  }

  @Test
  void anUnknownCardIs404AndAMalformedIdIs400() {
    Served.Reply missing = s.get("/api/cards/NOPE");
    assertEquals(404, missing.status());
    assertEquals("CARD_NOT_FOUND", missing.errorCode());
    assertEquals("not_found", missing.json().path("error").path("category").asText());
    Served.Reply bad = s.get("/api/cards/-x");
    assertEquals(400, bad.status(), bad.toString());
    assertEquals("INVALID_INPUT", bad.errorCode());
  }

  @Test
  void createRefusalsMapToTheirStatusesAndWriteNothing() {
    s.create("{\"id\":\"A\",\"title\":\"a\",\"idempotencyKey\":\"k\"}");
    Served.Reply dup = s.post("/api/cards", "{\"id\":\"A\",\"title\":\"again\"}");
    assertEquals(409, dup.status(), dup.toString());
    assertEquals("DUPLICATE_CARD", dup.errorCode());
    Served.Reply idem =
        s.post("/api/cards", "{\"id\":\"Z\",\"title\":\"other\",\"idempotencyKey\":\"k\"}");
    assertEquals(409, idem.status(), idem.toString());
    assertEquals("IDEMPOTENCY_CONFLICT", idem.errorCode());
    Served.Reply same =
        s.post("/api/cards", "{\"id\":\"A\",\"title\":\"a\",\"idempotencyKey\":\"k\"}");
    assertEquals(201, same.status(), same.toString());
    Served.Reply unknownDep =
        s.post("/api/cards", "{\"id\":\"B\",\"title\":\"b\",\"dependsOn\":[\"Q\"]}");
    assertEquals(400, unknownDep.status(), unknownDep.toString());
    Served.Reply noTitle = s.post("/api/cards", "{\"id\":\"C\",\"colour\":\"red\"}");
    assertEquals(400, noTitle.status());
    assertTrue(noTitle.body().contains("colour"), noTitle.body());
    // One card, so what is wrong with it, not a file's "1 bad line".
    Served.Reply noId = s.post("/api/cards", "{\"title\":\"x\"}");
    assertEquals(400, noId.status(), noId.toString());
    assertEquals("INVALID_INPUT", noId.errorCode());
    assertEquals(
        "the card has no \"id\"", noId.json().path("error").path("message").asText(), noId.body());
    Served.Reply wordPriority =
        s.post("/api/cards", "{\"id\":\"D\",\"title\":\"d\",\"priority\":\"high\"}");
    assertEquals(400, wordPriority.status(), wordPriority.toString());
    assertEquals(
        "priority \"high\" is not a whole number",
        wordPriority.json().path("error").path("message").asText(),
        wordPriority.body());
    Served.Reply notJson = s.post("/api/cards", "{nope");
    assertEquals(400, notJson.status());
    assertEquals("INVALID_INPUT", notJson.errorCode());
    assertEquals(
        List.of("A"), s.backlog.list(CardQuery.ALL).stream().map(c -> c.id().value()).toList());
  }

  @Test
  void claimAnswersNullACardOrAnArray() {
    assertEquals("null", s.post("/api/claims", "{\"owner\":\"w1\"}").body());
    s.create("{\"id\":\"A\",\"title\":\"a\",\"priority\":2}");
    s.create("{\"id\":\"B\",\"title\":\"b\",\"priority\":1}");
    s.create("{\"id\":\"C\",\"title\":\"c\"}");
    JsonNode one = s.post("/api/claims", "{\"owner\":\"w1\",\"ttlSeconds\":60}").json();
    assertEquals("A", one.get("id").asText());
    assertEquals("claimed", one.get("status").asText());
    assertEquals("w1", one.get("lease").get("owner").asText());
    JsonNode two = s.post("/api/claims", "{\"owner\":\"w2\",\"limit\":2}").json();
    assertTrue(two.isArray());
    assertEquals(List.of("B", "C"), ids(two));
    assertEquals("[]", s.post("/api/claims", "{\"owner\":\"w3\",\"limit\":5}").body());
    Served.Reply bad = s.post("/api/claims", "{\"ttlSeconds\":-1,\"limit\":\"x\"}");
    assertEquals(400, bad.status());
    String msg = bad.json().path("error").path("message").asText();
    assertTrue(msg.contains("owner") && msg.contains("limit"), msg);
  }

  @Test
  void claimByIdAndPhase() {
    s.create("{\"id\":\"A\",\"title\":\"a\",\"phase\":\"x\",\"priority\":9}");
    s.create("{\"id\":\"B\",\"title\":\"b\",\"phase\":\"y\"}");
    assertEquals(
        "B", s.post("/api/claims", "{\"owner\":\"w\",\"phase\":\"y\"}").json().get("id").asText());
    assertEquals(
        "A", s.post("/api/claims", "{\"owner\":\"w\",\"id\":\"A\"}").json().get("id").asText());
  }

  @Test
  void aClaimWithWaitSecondsLongPollsUntilWorkArrives() throws Exception {
    CompletableFuture<Served.Reply> waiting =
        CompletableFuture.supplyAsync(
            () -> s.post("/api/claims", "{\"owner\":\"w\",\"waitSeconds\":10}"));
    Thread.sleep(400);
    assertTrue(!waiting.isDone(), "the claim returned before any work existed");
    s.create("{\"id\":\"LATE\",\"title\":\"late\"}");
    Served.Reply r = waiting.get(10, TimeUnit.SECONDS);
    assertEquals("LATE", r.json().get("id").asText(), r.toString());
  }

  @Test
  void leaseRoutesNeedTheTokenAndAStaleOneIs409() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    long token =
        s.post("/api/claims", "{\"owner\":\"w\"}").json().get("lease").get("token").asLong();
    JsonNode renewed =
        s.post("/api/cards/A/renew", "{\"token\":" + token + ",\"ttlSeconds\":120}").json();
    assertEquals(token, renewed.get("lease").get("token").asLong());
    Served.Reply stale = s.post("/api/cards/A/complete", "{\"token\":" + (token + 100) + "}");
    assertEquals(409, stale.status());
    assertEquals("LEASE_LOST", stale.errorCode());
    assertEquals("conflict", stale.json().path("error").path("category").asText());
    Served.Reply missing = s.post("/api/cards/A/complete", "{}");
    assertEquals(400, missing.status());
    // A token that is no number, or no lease token, is one problem, named once.
    Served.Reply word = s.post("/api/cards/A/complete", "{\"token\":\"abc\"}");
    assertEquals(400, word.status());
    assertEquals(
        "token must be a whole number, not 'abc' (a string)",
        word.json().path("error").path("message").asText());
    Served.Reply zero = s.post("/api/cards/A/complete", "{\"token\":0}");
    assertEquals(400, zero.status());
    assertEquals(
        "token 0 is not a lease token; give the lease.token the claim returned",
        zero.json().path("error").path("message").asText());
    assertEquals("claimed", s.get("/api/cards/A").json().get("status").asText());
    assertEquals(
        "ready",
        s.post("/api/cards/A/release", "{\"token\":" + token + "}").json().get("status").asText());
    long t2 = s.post("/api/claims", "{\"owner\":\"w\"}").json().get("lease").get("token").asLong();
    JsonNode failed =
        s.post("/api/cards/A/fail", "{\"token\":" + t2 + ",\"reason\":\"flaky\"}").json();
    assertEquals("ready", failed.get("status").asText());
    assertEquals(2, failed.get("attempts").asInt());
    long t3 = s.post("/api/claims", "{\"owner\":\"w\"}").json().get("lease").get("token").asLong();
    assertEquals(
        "done",
        s.post("/api/cards/A/complete", "{\"token\":" + t3 + "}").json().get("status").asText());
    Served.Reply unknown = s.post("/api/cards/NOPE/complete", "{\"token\":1}");
    assertEquals(404, unknown.status());
  }

  @Test
  void blockUnblockReopenAndAnInvalidTransitionIs409() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    JsonNode blocked = s.post("/api/cards/A/block", "{\"reason\":\"waiting on legal\"}").json();
    assertEquals("blocked", blocked.get("status").asText());
    assertEquals("waiting on legal", blocked.get("blockedReason").asText());
    assertEquals("ready", s.post("/api/cards/A/unblock", "").json().get("status").asText());
    Served.Reply reopen = s.post("/api/cards/A/reopen", "{}");
    assertEquals(409, reopen.status());
    assertEquals("INVALID_TRANSITION", reopen.errorCode());
    s.backlog.forceComplete(dev.backlog.core.CardId.of("A"));
    assertEquals("ready", s.post("/api/cards/A/reopen", "{}").json().get("status").asText());
  }

  @Test
  void linksAreAddedAndRemovedAndACycleIs409() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    s.create("{\"id\":\"B\",\"title\":\"b\"}");
    JsonNode linked = s.post("/api/links", "{\"from\":\"A\",\"to\":\"B\"}").json();
    assertEquals("B", linked.get("dependsOn").get(0).asText());
    Served.Reply cycle = s.post("/api/links", "{\"from\":\"B\",\"to\":\"A\"}");
    assertEquals(409, cycle.status());
    assertEquals("DEPENDENCY_CYCLE", cycle.errorCode());
    Served.Reply missing = s.post("/api/links", "{\"from\":\"A\"}");
    assertEquals(400, missing.status());
    assertEquals(0, s.delete("/api/links?from=A&to=B").json().get("dependsOn").size());
    assertEquals(400, s.delete("/api/links?from=A").status());
  }

  @Test
  void statsAndGraphAreTheClisShapes() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    s.create("{\"id\":\"B\",\"title\":\"b\",\"dependsOn\":[\"A\"]}");
    JsonNode stats = s.get("/api/stats").json();
    assertEquals(2, stats.get("counts").get("ready").asInt());
    assertEquals(1, stats.get("claimable").asInt());
    assertEquals(2, stats.get("total").asInt());
    JsonNode graph = s.get("/api/graph").json();
    assertEquals(2, graph.get("nodes").size());
    assertEquals("B", graph.get("edges").get(0).get("from").asText());
    assertEquals("A", graph.get("edges").get(0).get("to").asText());
  }

  @Test
  void eventsPageAfterASeqAndByCard() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    s.create("{\"id\":\"B\",\"title\":\"b\"}");
    s.post("/api/cards/A/block", "{}");
    JsonNode all = s.get("/api/events").json();
    assertEquals(3, all.size());
    long first = all.get(0).get("seq").asLong();
    assertEquals(2, s.get("/api/events?after=" + first).json().size());
    assertEquals(2, s.get("/api/events?card=A").json().size());
    assertEquals(404, s.get("/api/events?card=Nope").status(), "a card no card has");
    assertEquals(1, s.get("/api/events?limit=1").json().size());
    assertEquals("created", all.get(0).get("type").asText());
    assertEquals(400, s.get("/api/events?after=-4").status());
  }

  @Test
  void importIsAllOrNothingAndExportRoundTrips() {
    String plan =
        "{\"id\":\"P1\",\"title\":\"one\"}\n"
            + "{\"id\":\"P2\",\"title\":\"two\",\"dependsOn\":[\"P1\"],\"status\":\"done\"}\n";
    Served.Reply ok =
        s.send(
            s.request("/api/import")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(plan))
                .build());
    assertEquals(200, ok.status(), ok.toString());
    assertEquals(2, ok.json().get("imported").asInt());
    assertEquals(1, ok.json().get("done").asInt());
    Served.Reply bad =
        s.post(
            "/api/import",
            "{\"id\":\"P3\",\"title\":\"three\"}\n{\"id\":\"P1\",\"title\":\"again\"}\n");
    assertEquals(400, bad.status());
    assertEquals("IMPORT_INVALID", bad.errorCode());
    assertEquals(2, s.backlog.list(CardQuery.ALL).size());
    Served.Reply export = s.get("/api/export");
    assertEquals(200, export.status());
    assertTrue(export.headers().get("content-type").get(0).startsWith("application/x-ndjson"));
    List<String> lines = export.body().lines().toList();
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).contains("\"P1\""));
    try (Served other = new Served()) {
      assertEquals(200, other.post("/api/import", export.body()).status());
      String stamps = "\"(createdAt|updatedAt)\":\"[^\"]*\"";
      assertEquals(
          export.body().replaceAll(stamps, ""),
          other.get("/api/export").body().replaceAll(stamps, ""));
    }
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() {
    Served.Reply none = s.get("/api/nothing");
    assertEquals(404, none.status());
    assertEquals("NO_SUCH_ROUTE", none.errorCode());
    Served.Reply method = s.delete("/api/cards");
    assertEquals(405, method.status());
    assertEquals("METHOD_NOT_ALLOWED", method.errorCode());
  }

  @Test
  void aClosedBacklogIs500WithoutInternals() {
    s.backlog.close();
    Served.Reply r = s.get("/api/stats");
    assertEquals(500, r.status());
    assertEquals("INTERNAL", r.errorCode());
    assertEquals("unexpected", r.json().path("error").path("category").asText());
  }

  @Test
  void eventsOfTheApiAreTheBacklogsEvents() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    assertEquals(
        dev.backlog.json.JsonContract.events(s.backlog.events(EventQuery.after(0, 10))),
        s.get("/api/events").body());
  }
}
