package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Card;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.NewCard;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Creating, reading and listing cards: every field kept, optional fields absent, cards created
 * blocked, unknown ids, status and phase filters, list order and limit, duplicate ids refused.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class CreationContract extends ContractGroup {

  CreationContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void aCreatedCardIsListedAsReady() {
    create("c1");
    List<Card> all = backlog.list(CardQuery.ALL);
    assertEquals(1, all.size());
    assertEquals(id("c1"), all.get(0).id());
    assertEquals(CardStatus.READY, all.get(0).status());
  }

  @Test
  void aCreatedCardKeepsEveryFieldItWasGiven() {
    create("dep");
    Instant now = clock.instant();
    Card created =
        backlog.create(
            NewCard.builder("c1")
                .title("First card")
                .body("line one\nline two")
                .phase("M1")
                .priority(5)
                .dependsOn("dep")
                .acceptance("[ \"tests pass\" , \"docs\" ]")
                .idempotencyKey("key-1")
                .maxAttempts(4)
                .build());
    Card read = card("c1");
    assertEquals(created, read, "create must return the card as stored");
    assertAll(
        () -> assertEquals("First card", read.title()),
        () -> assertEquals("line one\nline two", read.body()),
        () -> assertEquals("M1", read.phase()),
        () -> assertEquals(5, read.priority()),
        () -> assertEquals(Set.of(id("dep")), read.dependsOn()),
        () -> assertEquals("[\"tests pass\",\"docs\"]", read.acceptance()),
        () -> assertEquals("key-1", read.idempotencyKey()),
        () -> assertEquals(4, read.maxAttempts()),
        () -> assertEquals(CardStatus.READY, read.status()),
        () -> assertEquals(0, read.attempts()),
        () -> assertNull(read.lease()),
        () -> assertNull(read.blockedReason()),
        () -> assertEquals(now, read.createdAt()),
        () -> assertEquals(now, read.updatedAt()),
        () -> assertEquals(1, read.version()));
  }

  @Test
  void aCardCreatedWithoutOptionalFieldsHasThemAbsent() {
    Card read = card(create("c1").id().value());
    assertAll(
        () -> assertNull(read.body()),
        () -> assertNull(read.phase()),
        () -> assertEquals(0, read.priority()),
        () -> assertTrue(read.dependsOn().isEmpty()),
        () -> assertNull(read.acceptance()),
        () -> assertNull(read.idempotencyKey()),
        () -> assertNull(read.maxAttempts()));
  }

  @Test
  void aCardCreatedBlockedStartsBlockedWithItsReasonAndIsNotClaimable() {
    backlog.create(NewCard.builder("c1").title("parked").blocked("waiting for design").build());
    Card read = card("c1");
    assertEquals(CardStatus.BLOCKED, read.status());
    assertEquals("waiting for design", read.blockedReason());
    assertTrue(claim("w").isEmpty());
  }

  @Test
  void findOfAnUnknownCardIsEmptyAndGetRaisesCardNotFound() {
    assertTrue(backlog.find(id("nope")).isEmpty());
    CardNotFoundException e =
        assertThrows(CardNotFoundException.class, () -> backlog.get(id("nope")));
    assertEquals(id("nope"), e.card());
  }

  @Test
  void listFiltersByStatusAndByPhase() {
    backlog.create(NewCard.builder("c1").title("a").phase("M1").build());
    backlog.create(NewCard.builder("c2").title("b").phase("M2").build());
    backlog.create(NewCard.builder("c3").title("c").phase("M1").build());
    backlog.block(id("c2"), null);
    assertEquals(List.of("c1", "c3"), ids(backlog.list(new CardQuery(null, "M1", false, 100))));
    assertEquals(
        List.of("c2"), ids(backlog.list(new CardQuery(CardStatus.BLOCKED, null, false, 100))));
    assertEquals(
        List.of("c1", "c3"), ids(backlog.list(new CardQuery(CardStatus.READY, null, false, 100))));
    assertEquals(List.of(), ids(backlog.list(new CardQuery(CardStatus.READY, "M2", false, 100))));
    assertEquals(List.of(), ids(backlog.list(new CardQuery(CardStatus.DONE, null, false, 100))));
  }

  @Test
  void listReturnsCardsInClaimOrderUpToTheLimit() {
    create("b", 1);
    create("a", 1);
    create("top", 9);
    clock.advance(Duration.ofSeconds(1));
    create("0-late", 1);
    assertEquals(List.of("top", "a", "b", "0-late"), ids(backlog.list(CardQuery.ALL)));
    assertEquals(List.of("top", "a"), ids(backlog.list(new CardQuery(null, null, false, 2))));
  }

  @Test
  void aSecondCardWithTheSameIdIsRefused() {
    create("c1");
    DuplicateCardException e =
        assertRefusedWithoutChange(
            DuplicateCardException.class,
            () -> backlog.create(NewCard.builder("c1").title("again").build()));
    assertEquals(id("c1"), e.card());
  }
}
