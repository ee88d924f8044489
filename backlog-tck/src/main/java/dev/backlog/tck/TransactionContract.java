package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Card;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transactions: after-commit actions run only after a commit, a rollback leaves no trace,
 * operations in one transaction see each other's writes, and the store's own transactions roll back
 * and report the store clock.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class TransactionContract extends ContractGroup {

  TransactionContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void afterCommitActionsRunOnlyOnceTheTransactionCommitted() {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    backlog.inTransaction(
        tx -> {
          tx.create(NewCard.builder("a").title("a").build());
          tx.afterCommit(() -> log.add("first:" + backlog.find(id("a")).isPresent()));
          tx.afterCommit(() -> log.add("second"));
          log.add("in-transaction");
          return null;
        });
    assertEquals(List.of("in-transaction", "first:true", "second"), log);
  }

  @Test
  void afterCommitActionsNeverRunAfterARollback() {
    List<String> log = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                backlog.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder("a").title("a").build());
                      tx.afterCommit(() -> log.add("ran"));
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertEquals(List.of(), log);
    assertThrows(
        DuplicateCardException.class,
        () ->
            backlog.inTransaction(
                tx -> {
                  tx.afterCommit(() -> log.add("ran"));
                  tx.create(NewCard.builder("x").title("x").build());
                  return tx.create(NewCard.builder("x").title("x").build());
                }));
    assertEquals(List.of(), log);
  }

  @Test
  void aRolledBackTransactionLeavesNoCardEventOrLease() {
    create("keep");
    Stats before = backlog.stats();
    List<Event> eventsBefore = allEvents();
    assertThrows(
        IllegalStateException.class,
        () ->
            backlog.inTransaction(
                tx -> {
                  tx.create(NewCard.builder("gone").title("gone").idempotencyKey("k").build());
                  tx.claim(ClaimRequest.builder("w").card(id("keep")).build());
                  tx.link(id("keep"), id("gone"));
                  throw new IllegalStateException("abort");
                }));
    assertTrue(backlog.find(id("gone")).isEmpty());
    Card keep = card("keep");
    assertEquals(CardStatus.READY, keep.status());
    assertEquals(0, keep.attempts());
    assertTrue(keep.dependsOn().isEmpty());
    assertEquals(eventsBefore, allEvents());
    assertEquals(before, backlog.stats());
    Card recreated =
        backlog.create(NewCard.builder("gone").title("other content").idempotencyKey("k").build());
    assertEquals(
        "other content", recreated.title(), "a rolled-back idempotency key must be free again");
    if (seqsAreGapFree()) {
      assertEquals(
          eventsBefore.size() + 1L,
          allEvents().get(allEvents().size() - 1).seq(),
          "seq continues without a gap after a rollback");
    } else {
      assertEquals(eventsBefore.size() + 1, allEvents().size(), "one new event after the rollback");
      assertTrue(
          allEvents().get(allEvents().size() - 1).seq()
              > eventsBefore.get(eventsBefore.size() - 1).seq(),
          "seq keeps increasing after a rollback");
    }
  }

  @Test
  void operationsInOneTransactionSeeEachOthersWrites() {
    Claim claim =
        backlog.inTransaction(
            tx -> {
              tx.create(NewCard.builder("a").title("a").build());
              assertTrue(tx.find(id("a")).isPresent());
              Claim c = tx.claimOne("w", TTL).orElseThrow();
              assertEquals(2, tx.events(EventQuery.after(0, 10)).size());
              return c;
            });
    assertEquals(CardStatus.CLAIMED, card("a").status());
    assertEquals(claim.lease(), card("a").lease());
  }

  @Test
  void theStoreItselfRollsBackWhenTheWorkThrows() {
    RuntimeException boom = new RuntimeException("abort");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                store.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder("a").title("a").build(), "direct");
                      assertEquals(1, tx.writtenEvents().size());
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertTrue(store.inTransaction(tx -> tx.find(id("a"))).isEmpty());
    Card created =
        store.inTransaction(tx -> tx.create(NewCard.builder("a").title("a").build(), "direct"));
    assertEquals(clock.instant(), created.createdAt());
    List<Event> events = store.inTransaction(tx -> tx.events(EventQuery.after(0, 10)));
    assertEquals(1, events.size());
    assertEquals("direct", events.get(0).actor());
    if (seqsAreGapFree()) {
      assertEquals(1, events.get(0).seq());
    }
  }

  @Test
  void theStoreTransactionReportsTheStoreClock() {
    assertEquals(clock.instant(), store.inTransaction(tx -> tx.now()));
    clock.advance(Duration.ofSeconds(42));
    assertEquals(clock.instant(), store.inTransaction(tx -> tx.now()));
  }
}
