package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.core.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Input validation: every violation listed at once, unsafe card ids, attempt limits and lease
 * lengths refused, and a refused request changes nothing.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class ValidationContract extends ContractGroup {

  ValidationContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void invalidInputListsEveryViolationAtOnceAndChangesNothing() {
    create("keep");
    InvalidInputException e =
        assertRefusedWithoutChange(
            InvalidInputException.class,
            () ->
                backlog.create(
                    NewCard.builder("../x")
                        .title("  ")
                        .maxAttempts(-1)
                        .acceptance("[1, 2")
                        .build()));
    Set<String> fields = e.violations().stream().map(Violation::field).collect(Collectors.toSet());
    assertEquals(Set.of("id", "title", "maxAttempts", "acceptance"), fields, e::getMessage);
    assertTrue(e.getMessage().contains("../x"), e.getMessage());
  }

  @Test
  void cardIdsThatAreNotSafeInPathsOrTooLongAreRefused() {
    for (String bad : List.of("../x", "a/b", "", "-leading", "x".repeat(200), "white space")) {
      InvalidInputException e =
          assertRefusedWithoutChange(
              InvalidInputException.class,
              () -> backlog.create(NewCard.builder(bad).title("t").build()));
      assertEquals(List.of("id"), e.violations().stream().map(Violation::field).toList(), bad);
    }
    assertTrue(backlog.list(CardQuery.ALL).isEmpty());
    assertEquals(CardId.MAX_LENGTH, create("x".repeat(CardId.MAX_LENGTH)).id().value().length());
  }

  @Test
  void maxAttemptsOfZeroOrLessIsRefused() {
    for (int bad : new int[] {0, -1}) {
      InvalidInputException e =
          assertRefusedWithoutChange(
              InvalidInputException.class,
              () -> backlog.create(NewCard.builder("c1").title("t").maxAttempts(bad).build()));
      assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
    }
  }

  @Test
  void leaseLengthsOfZeroNegativeOrAboveTheMaximumAreRefusedAtClaimAndRenew() {
    create("c1");
    for (Duration bad :
        List.of(Duration.ZERO, Duration.ofSeconds(-5), ClaimRequest.MAX_TTL.plusSeconds(1))) {
      InvalidInputException e =
          assertRefusedWithoutChange(
              InvalidInputException.class,
              () -> backlog.claim(ClaimRequest.builder("w").ttl(bad).build()));
      assertEquals("ttl", e.violations().get(0).field());
    }
    Claim claim = claim("w").orElseThrow();
    for (Duration bad : List.of(Duration.ZERO, ClaimRequest.MAX_TTL.plusSeconds(1))) {
      assertRefusedWithoutChange(
          InvalidInputException.class, () -> backlog.renew(id("c1"), claim.token(), bad));
    }
    assertEquals(claim.lease(), card("c1").lease());
  }

  @Test
  void aClaimRequestListsEveryViolationAtOnce() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> ClaimRequest.builder(" ").ttl(Duration.ZERO).limit(0).build());
    assertEquals(
        Set.of("owner", "ttl", "limit"),
        e.violations().stream().map(Violation::field).collect(Collectors.toSet()));
  }
}
