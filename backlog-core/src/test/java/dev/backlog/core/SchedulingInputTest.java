package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SchedulingInputTest {

  private static Map<String, String> attributes(int n) {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      out.put("k" + i, "v");
    }
    return out;
  }

  @Test
  void aClaimWithAnOverlongLeasePhaseNamesTheLengthAndTheLimit() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> ClaimRequest.builder("w").leasePhase("p".repeat(65)).build());
    assertTrue(e.getMessage().contains("65 characters; at most 64"), e.getMessage());
  }

  @Test
  void seventeenAttributesAreRefusedWithTheCountAndTheLimit() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> ClaimRequest.builder("w").attributes(attributes(17)).build());
    assertTrue(e.getMessage().contains("17 attributes; at most 16"), e.getMessage());
    assertEquals(
        16, ClaimRequest.builder("w").attributes(attributes(16)).build().attributes().size());
  }

  @Test
  void attributeKeysAndValuesHaveTheirBounds() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> LeaseChange.of(null, Map.of("k".repeat(65), "v", "b", "x".repeat(257))));
    assertEquals(2, e.violations().size(), e.getMessage());
    assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
    assertTrue(e.getMessage().contains("at most 64"), e.getMessage());
  }

  @Test
  void aRenewMergesAttributesAndRefusesAMergeOverTheBound() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Lease lease =
        new Lease(
            "w",
            LeaseToken.of(1),
            t,
            t.plusSeconds(5),
            "implementing",
            new TreeMap<>(attributes(15)));
    Lease renewed =
        LeaseChange.of("testing", Map.of("k0", "changed")).applyTo(lease, t.plusSeconds(10));
    assertEquals("testing", renewed.phase());
    assertEquals("changed", renewed.attributes().get("k0"));
    assertEquals(15, renewed.attributes().size());
    assertThrows(
        InvalidInputException.class,
        () -> LeaseChange.of(null, Map.of("new1", "a", "new2", "b")).applyTo(lease, t));
  }

  @Test
  void attributesRoundTripThroughTheirJsonForm() {
    Map<String, String> in = Map.of("branch", "feat/\"x\"", "path", "C:\\w\n", "e", "é\u0001");
    String json = Lease.attributesJson(in);
    assertEquals(in, Lease.parseAttributes(json));
    assertNull(Lease.attributesJson(Map.of()));
    assertTrue(Lease.parseAttributes(null).isEmpty());
  }

  @Test
  void evidenceMustBeASmallJsonObject() {
    assertEquals("{\"tests\":\"42 passed\"}", Run.validEvidence("{ \"tests\" : \"42 passed\" }"));
    assertNull(Run.validEvidence(null));
    InvalidInputException notObject =
        assertThrows(InvalidInputException.class, () -> Run.validEvidence("[1,2]"));
    assertTrue(notObject.getMessage().contains("must be a JSON object"), notObject.getMessage());
    InvalidInputException notJson =
        assertThrows(InvalidInputException.class, () -> Run.validEvidence("{tests"));
    assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
    String big = "{\"log\":\"" + "x".repeat(16 * 1024) + "\"}";
    InvalidInputException tooBig =
        assertThrows(InvalidInputException.class, () -> Run.validEvidence(big));
    assertTrue(tooBig.getMessage().contains("at most 16384"), tooBig.getMessage());
  }

  @Test
  void anUpdateOfAnUnknownFieldNamesItAndTheFieldsAllowed() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> CardUpdate.builder().set("status", "done").set("title", " ").build());
    assertEquals(2, e.violations().size());
    assertTrue(e.getMessage().contains("cannot update field 'status'"), e.getMessage());
    assertTrue(e.getMessage().contains("maxAttempts"), e.getMessage());
  }

  @Test
  void anUpdateAppliesOnlyTheFieldsGiven() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Card card =
        Card.builder()
            .id(CardId.of("A1"))
            .title("old")
            .body("b")
            .phase("p")
            .status(CardStatus.READY)
            .createdAt(t)
            .updatedAt(t)
            .build();
    CardUpdate update = CardUpdate.builder().title("new").phase("").priority(5).build();
    Card after = update.applyTo(card.toBuilder()).build();
    assertEquals("new", after.title());
    assertEquals("b", after.body());
    assertNull(after.phase());
    assertEquals(5, after.priority());
    assertEquals(
        "{\"title\":\"new\",\"phase\":null,\"priority\":5}", CardUpdate.changes(card, after));
  }

  @Test
  void aDurationForAClaimStaysValidWithLeaseMetadata() {
    ClaimRequest request =
        ClaimRequest.builder("w")
            .ttl(Duration.ofSeconds(30))
            .leasePhase("testing")
            .attributes(Map.of("branch", "main"))
            .build();
    assertEquals("testing", request.leasePhase());
    assertEquals(Map.of("branch", "main"), request.attributes());
  }
}
