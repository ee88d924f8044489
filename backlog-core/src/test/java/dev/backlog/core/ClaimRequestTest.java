package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimRequestTest {

  private static List<String> fields(InvalidInputException e) {
    return e.violations().stream().map(Violation::field).toList();
  }

  @Test
  void theBuilderDefaultsToTheDefaultTtlOneCardAndNoWait() {
    ClaimRequest request = ClaimRequest.builder("w1").build();
    assertEquals("w1", request.owner());
    assertEquals(ClaimRequest.DEFAULT_TTL, request.ttl());
    assertEquals(1, request.limit());
    assertEquals(Duration.ZERO, request.maxWait());
    assertEquals(Optional.empty(), request.phaseFilter());
    assertEquals(Optional.empty(), request.card());
  }

  @Test
  void everyOptionIsKept() {
    ClaimRequest request =
        ClaimRequest.builder("w1")
            .ttl(Duration.ofSeconds(30))
            .phase("M1")
            .card(CardId.of("A1"))
            .limit(5)
            .maxWait(Duration.ofSeconds(2))
            .build();
    assertEquals(Duration.ofSeconds(30), request.ttl());
    assertEquals(Optional.of("M1"), request.phaseFilter());
    assertEquals(Optional.of(CardId.of("A1")), request.card());
    assertEquals(5, request.limit());
    assertEquals(Duration.ofSeconds(2), request.maxWait());
  }

  @Test
  void everyViolationIsReportedAtOnceWithTheValueAndTheRange() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                ClaimRequest.builder("")
                    .ttl(Duration.ofSeconds(-3))
                    .phase(" ")
                    .limit(0)
                    .maxWait(Duration.ofHours(2))
                    .build());
    assertEquals(List.of("owner", "ttl", "phase", "limit", "wait"), fields(e));
    String message = e.getMessage();
    assertTrue(message.startsWith("5 problems: "), message);
    assertTrue(message.contains("owner is required"), message);
    assertTrue(message.contains("ttl -3s is out of range; give 1 to 604800 seconds"), message);
    assertTrue(message.contains("phase is blank"), message);
    assertTrue(message.contains("limit 0 is out of range; claim 1 to 1000 cards"), message);
    assertTrue(message.contains("wait 7200s is out of range; use 0 to 3600 seconds"), message);
  }

  @Test
  void aTtlOfZeroOrAboveTheMaximumIsRefusedAndTheMaximumIsAccepted() {
    for (Duration bad :
        List.of(Duration.ZERO, ClaimRequest.MAX_TTL.plusNanos(1), Duration.ofDays(8))) {
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class,
              () -> ClaimRequest.builder("w").ttl(bad).build(),
              bad::toString);
      assertEquals(List.of("ttl"), fields(e));
    }
    assertEquals(
        ClaimRequest.MAX_TTL, ClaimRequest.builder("w").ttl(ClaimRequest.MAX_TTL).build().ttl());
    assertEquals(Duration.ofNanos(1), ClaimRequest.validTtl(Duration.ofNanos(1)));
  }

  @Test
  void aMissingTtlIsReportedAsRequired() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> ClaimRequest.validTtl(null));
    assertEquals("ttl is required", e.violations().get(0).message());
  }

  @Test
  void anOwnerLongerThanTheMaximumOrWithControlCharactersIsRefused() {
    InvalidInputException tooLong =
        assertThrows(
            InvalidInputException.class,
            () -> ClaimRequest.builder("o".repeat(ClaimRequest.MAX_OWNER + 1)).build());
    assertTrue(
        tooLong.getMessage().contains("owner has 201 characters; at most 200"),
        tooLong.getMessage());
    InvalidInputException control =
        assertThrows(InvalidInputException.class, () -> ClaimRequest.builder("w\n1").build());
    assertTrue(
        control.getMessage().contains("control character U+000A at position 2"),
        control.getMessage());
  }

  @Test
  void theLargestBatchIsAcceptedAndOneMoreIsNot() {
    assertEquals(
        ClaimRequest.MAX_LIMIT,
        ClaimRequest.builder("w").limit(ClaimRequest.MAX_LIMIT).build().limit());
    assertThrows(
        InvalidInputException.class,
        () -> ClaimRequest.builder("w").limit(ClaimRequest.MAX_LIMIT + 1).build());
  }
}
