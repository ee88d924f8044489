package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardId;
import dev.backlog.json.JsonContract;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The routes of the scheduling verbs and their error mappings, over real HTTP. */
class SchedulingApiTest {

  private final Served s = new Served();

  @AfterEach
  void stop() {
    s.close();
  }

  private JsonNode claim(String json) {
    Served.Reply r = s.post("/api/claims", json);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private Served.Reply patch(String path, String body) {
    return s.send(
        s.request(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static void refused(Served.Reply r, int status, String code, String mentions) {
    assertEquals(status, r.status(), r.toString());
    assertEquals(code, r.errorCode(), r.toString());
    assertTrue(r.body().contains(mentions), r + " does not mention " + mentions);
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  @Test
  void claimAndRenewCarryTheLeasePhaseAndAttributes() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    JsonNode card =
        claim(
            "{\"owner\":\"w1\",\"leasePhase\":\"implementing\","
                + "\"attributes\":{\"branch\":\"feat/x\"}}");
    assertEquals("implementing", card.at("/lease/phase").asText());
    assertEquals("feat/x", card.at("/lease/attributes/branch").asText());
    long token = card.at("/lease/token").asLong();
    Served.Reply renewed =
        s.post(
            "/api/cards/A/renew",
            "{\"token\":" + token + ",\"phase\":\"testing\",\"attributes\":{\"session\":\"s2\"}}");
    assertEquals(200, renewed.status(), renewed.toString());
    assertEquals("testing", renewed.json().at("/lease/phase").asText());
    assertEquals("feat/x", renewed.json().at("/lease/attributes/branch").asText());
    assertEquals("s2", renewed.json().at("/lease/attributes/session").asText());
    assertEquals(JsonContract.card(s.backlog.get(CardId.of("A"))), renewed.body());
  }

  @Test
  void leaseAttributesThatAreNotStringsOrOverTheBoundsAre400AndClaimNothing() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    refused(
        s.post("/api/claims", "{\"owner\":\"w1\",\"attributes\":{\"n\":5}}"),
        400,
        "INVALID_INPUT",
        "attributes.n");
    refused(
        s.post("/api/claims", "{\"owner\":\"w1\",\"attributes\":[\"x\"]}"),
        400,
        "INVALID_INPUT",
        "attributes");
    refused(
        s.post("/api/claims", "{\"owner\":\"w1\",\"leasePhase\":\"" + "p".repeat(65) + "\"}"),
        400,
        "INVALID_INPUT",
        "leasePhase");
    assertEquals("ready", s.get("/api/cards/A").json().get("status").asText());
  }

  @Test
  void completeKeepsItsEvidenceOnTheRunAndHistoryListsTheRuns() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    long first = claim("{\"owner\":\"w1\"}").at("/lease/token").asLong();
    Served.Reply released =
        s.post("/api/cards/A/release", "{\"token\":" + first + ",\"reason\":\"wrong lane\"}");
    assertEquals(200, released.status(), released.toString());
    long second = claim("{\"owner\":\"w2\"}").at("/lease/token").asLong();
    Served.Reply done =
        s.post(
            "/api/cards/A/complete",
            "{\"token\":" + second + ",\"evidence\":{\"tests\":\"42 passed\"}}");
    assertEquals(200, done.status(), done.toString());
    assertEquals("done", done.json().get("status").asText());
    Served.Reply history = s.get("/api/cards/A/history");
    assertEquals(200, history.status(), history.toString());
    assertEquals(JsonContract.runs(s.backlog.history(CardId.of("A"))), history.body());
    JsonNode runs = history.json();
    assertEquals(2, runs.size());
    assertEquals("released", runs.get(0).get("outcome").asText());
    assertEquals("wrong lane", runs.get(0).get("reason").asText());
    assertEquals("completed", runs.get(1).get("outcome").asText());
    assertEquals("42 passed", runs.get(1).at("/evidence/tests").asText());
    refused(s.get("/api/cards/NOPE/history"), 404, "CARD_NOT_FOUND", "NOPE");
  }

  @Test
  void evidenceThatIsNotAnObjectOrTooLargeIs400AndTheCardStaysClaimed() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    long token = claim("{\"owner\":\"w1\"}").at("/lease/token").asLong();
    refused(
        s.post("/api/cards/A/complete", "{\"token\":" + token + ",\"evidence\":\"passed\"}"),
        400,
        "INVALID_INPUT",
        "evidence");
    String big = "x".repeat(17 * 1024);
    refused(
        s.post(
            "/api/cards/A/complete",
            "{\"token\":" + token + ",\"evidence\":{\"log\":\"" + big + "\"}}"),
        400,
        "INVALID_INPUT",
        "evidence");
    assertEquals("claimed", s.get("/api/cards/A").json().get("status").asText());
    refused(
        s.post("/api/cards/A/complete", "{\"token\":" + (token + 1) + "}"), 409, "LEASE_LOST", "A");
  }

  @Test
  void explainGivesTheRankOfAClaimableCardAndTheReasonsOfOneThatIsNot() {
    s.create("{\"id\":\"A\",\"title\":\"a\",\"priority\":5}");
    s.create("{\"id\":\"B\",\"title\":\"b\",\"dependsOn\":[\"A\"]}");
    JsonNode a = s.get("/api/cards/A/explain").json();
    assertTrue(a.get("claimable").asBoolean());
    assertEquals(1, a.get("rank").asInt());
    Served.Reply b = s.get("/api/cards/B/explain");
    assertEquals(JsonContract.explanation(s.backlog.explain(CardId.of("B"))), b.body());
    assertFalse(b.json().get("claimable").asBoolean());
    assertEquals("unmet-dependency", b.json().at("/reasons/0/kind").asText());
    assertEquals("A", b.json().at("/reasons/0/card").asText());
    refused(s.get("/api/cards/NOPE/explain"), 404, "CARD_NOT_FOUND", "NOPE");
  }

  @Test
  void queueListsTheClaimableCardsInClaimOrderAndWavesTheParallelPlan() {
    s.create("{\"id\":\"A\",\"title\":\"a\",\"priority\":1,\"phase\":\"x\"}");
    s.create("{\"id\":\"B\",\"title\":\"b\",\"priority\":9,\"phase\":\"y\"}");
    s.create("{\"id\":\"C\",\"title\":\"c\",\"dependsOn\":[\"A\",\"B\"],\"phase\":\"x\"}");
    assertEquals(List.of("B", "A"), ids(s.get("/api/queue").json()));
    assertEquals(List.of("B"), ids(s.get("/api/queue?limit=1").json()));
    assertEquals(List.of("A"), ids(s.get("/api/queue?phase=x").json()));
    refused(s.get("/api/queue?limit=lots"), 400, "INVALID_INPUT", "lots");
    refused(s.get("/api/queue?limit=0"), 400, "INVALID_INPUT", "limit");
    Served.Reply waves = s.get("/api/waves");
    assertEquals(200, waves.status(), waves.toString());
    assertEquals(JsonContract.waves(s.backlog.waves(null)), waves.body());
    assertEquals(2, waves.json().get("maxParallelism").asInt());
    assertEquals("C", waves.json().at("/waves/1/0").asText());
    assertEquals(JsonContract.waves(s.backlog.waves("x")), s.get("/api/waves?phase=x").body());
  }

  @Test
  void deferKeepsACardOutOfTheQueueUntilUndeferred() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    s.create("{\"id\":\"B\",\"title\":\"b\"}");
    String until = Instant.now().plusSeconds(3600).toString();
    Served.Reply deferred = s.post("/api/cards/A/defer", "{\"until\":\"" + until + "\"}");
    assertEquals(200, deferred.status(), deferred.toString());
    assertEquals(Instant.parse(until), Instant.parse(deferred.json().get("notBefore").asText()));
    Served.Reply forAWhile = s.post("/api/cards/B/defer", "{\"forSeconds\":600}");
    assertEquals(200, forAWhile.status(), forAWhile.toString());
    assertFalse(forAWhile.json().get("notBefore").isNull());
    assertEquals(0, s.get("/api/queue").json().size());
    assertEquals("null", s.post("/api/claims", "{\"owner\":\"w\"}").body());
    Served.Reply undeferred = s.post("/api/cards/A/undefer", "");
    assertEquals(200, undeferred.status(), undeferred.toString());
    assertTrue(undeferred.json().get("notBefore").isNull());
    assertEquals(List.of("A"), ids(s.get("/api/queue").json()));
  }

  @Test
  void aBadDeferralIs400AndDeferringACardThatIsNotReadyIs409() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    refused(s.post("/api/cards/A/defer", "{}"), 400, "INVALID_INPUT", "forSeconds");
    refused(
        s.post("/api/cards/A/defer", "{\"until\":\"2030-01-01T00:00:00Z\",\"forSeconds\":5}"),
        400,
        "INVALID_INPUT",
        "exactly one");
    refused(
        s.post("/api/cards/A/defer", "{\"until\":\"tomorrow\"}"), 400, "INVALID_INPUT", "tomorrow");
    refused(s.post("/api/cards/A/defer", "{\"forSeconds\":-5}"), 400, "INVALID_INPUT", "-5");
    refused(
        s.post("/api/cards/A/defer", "{\"until\":\"2001-01-01T00:00:00Z\"}"),
        400,
        "INVALID_INPUT",
        "2001");
    assertTrue(s.get("/api/cards/A").json().get("notBefore").isNull());
    claim("{\"owner\":\"w\"}");
    refused(s.post("/api/cards/A/defer", "{\"forSeconds\":60}"), 409, "INVALID_TRANSITION", "A");
    refused(s.post("/api/cards/NOPE/undefer", ""), 404, "CARD_NOT_FOUND", "NOPE");
  }

  @Test
  void patchUpdatesDescriptiveFieldsAndRefusesAStaleVersionWith409() {
    JsonNode created = s.create("{\"id\":\"A\",\"title\":\"a\",\"body\":\"old\"}");
    long version = created.get("version").asLong();
    Served.Reply updated =
        patch(
            "/api/cards/A",
            "{\"title\":\"new title\",\"body\":null,\"priority\":7,"
                + "\"acceptance\":[\"tests pass\"],\"ifVersion\":"
                + version
                + "}");
    assertEquals(200, updated.status(), updated.toString());
    assertEquals("new title", updated.json().get("title").asText());
    assertTrue(updated.json().get("body").isNull());
    assertEquals(7, updated.json().get("priority").asInt());
    assertEquals("tests pass", updated.json().at("/acceptance/0").asText());
    assertEquals(JsonContract.card(s.backlog.get(CardId.of("A"))), updated.body());
    Served.Reply stale = patch("/api/cards/A", "{\"title\":\"x\",\"ifVersion\":" + version + "}");
    refused(stale, 409, "VERSION_CONFLICT", "version");
    assertEquals("conflict", stale.json().at("/error/category").asText());
    assertEquals("new title", s.get("/api/cards/A").json().get("title").asText());
  }

  @Test
  void aPatchWithNoFieldAnUnknownFieldOrABadValueIs400AndAnUnknownCard404() {
    s.create("{\"id\":\"A\",\"title\":\"a\"}");
    refused(patch("/api/cards/A", "{}"), 400, "INVALID_INPUT", "no field");
    refused(patch("/api/cards/A", "{\"status\":\"done\"}"), 400, "INVALID_INPUT", "status");
    refused(patch("/api/cards/A", "{\"title\":\"\"}"), 400, "INVALID_INPUT", "title");
    refused(patch("/api/cards/A", "{\"priority\":\"high\"}"), 400, "INVALID_INPUT", "high");
    refused(patch("/api/cards/A", "{\"maxAttempts\":1001}"), 400, "INVALID_INPUT", "1001");
    refused(patch("/api/cards/NOPE", "{\"title\":\"x\"}"), 404, "CARD_NOT_FOUND", "NOPE");
    assertEquals("a", s.get("/api/cards/A").json().get("title").asText());
  }
}
