package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.IdempotencyConflictException;
import dev.backlog.core.NewCard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Idempotent create: a retried create returns the original card without a second event, a key
 * reused with other content is a conflict, and racing creates with one key make exactly one card.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class IdempotencyContract extends ContractGroup {

  IdempotencyContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void anIdempotentCreateWithTheSameContentReturnsTheSameCardOnce() {
    NewCard request = NewCard.builder("c1").title("one").priority(2).idempotencyKey("k-1").build();
    Card first = backlog.create(request);
    clock.advance(Duration.ofSeconds(5));
    Card again =
        backlog.create(
            NewCard.builder("c1").title("one").priority(2).idempotencyKey("k-1").build());
    assertEquals(first, again, "a retried create must return the original card unchanged");
    assertEquals(1, backlog.list(CardQuery.ALL).size());
    assertEquals(
        List.of(EventType.CREATED), eventTypes(), "a retried create must not write a second event");
  }

  @Test
  void anIdempotencyKeyReusedWithDifferentContentIsAConflict() {
    backlog.create(NewCard.builder("c1").title("one").idempotencyKey("k-1").build());
    IdempotencyConflictException e =
        assertRefusedWithoutChange(
            IdempotencyConflictException.class,
            () -> backlog.create(NewCard.builder("c2").title("two").idempotencyKey("k-1").build()));
    assertEquals("k-1", e.key());
    assertEquals(id("c1"), e.existing());
    assertRefusedWithoutChange(
        IdempotencyConflictException.class,
        () ->
            backlog.create(
                NewCard.builder("c1").title("one, edited").idempotencyKey("k-1").build()));
  }

  @Test
  void racingIdempotentCreatesMakeExactlyOneCard() throws Exception {
    List<Callable<Card>> creates = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Backlog facade = second();
      creates.add(
          () -> facade.create(NewCard.builder("c1").title("one").idempotencyKey("k-race").build()));
    }
    List<Card> results = race(creates);
    assertEquals(
        1,
        new HashSet<>(results).size(),
        () -> "every racing create must return the same card: " + results);
    assertEquals(1, backlog.list(CardQuery.ALL).size());
    assertEquals(List.of(EventType.CREATED), eventTypes());
  }
}
