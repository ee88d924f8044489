package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The status machine: complete, complete in batches, release, fail and poison-card protection,
 * reopen, block, unblock and forced completion, and every refused transition.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class TransitionContract extends ContractGroup {

  TransitionContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void completeWithTheValidTokenMarksTheCardDoneAndDropsTheLease() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    Card done = backlog.complete(id("c1"), claim.token());
    assertEquals(CardStatus.DONE, done.status());
    assertNull(done.lease());
    assertEquals(done, card("c1"));
    assertEquals(3, done.version());
  }

  @Test
  void completeAllCompletesABatchInTheOrderGivenWithOneEventEachAndUnblocksDependents() {
    for (int i = 0; i < 6; i++) {
      create("c" + i, 6 - i);
    }
    createDependent("fanIn", "c0", "c1", "c2");
    createDependent("one", "c4");
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").ttl(TTL).limit(6).build());
    assertEquals(List.of("c0", "c1", "c2", "c3", "c4", "c5"), claimedIds(claims));
    long before = allEvents().size();
    List<Claim> order = List.of(claims.get(4), claims.get(0), claims.get(2), claims.get(1));
    List<Card> done = backlog.completeAll(order);
    assertEquals(List.of("c4", "c0", "c2", "c1"), ids(done), "cards come back in the order given");
    for (Card c : done) {
      assertEquals(CardStatus.DONE, c.status());
      assertNull(c.lease());
      assertEquals(c, card(c.id().value()), "the returned card is the stored one");
    }
    List<Event> events = allEvents().subList((int) before, allEvents().size());
    assertEquals(
        List.of("c4", "c0", "c2", "c1"), events.stream().map(e -> e.cardId().value()).toList());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(EventType.COMPLETED, events.get(i).type());
      assertEquals(order.get(i).token(), events.get(i).leaseToken());
    }
    assertEquals(
        List.of("fanIn", "one"),
        claimable().stream().sorted().toList(),
        "dependents whose last dependency completed in the batch are claimable");
    assertEquals(
        CardStatus.CLAIMED, card("c3").status(), "claims left out of the batch keep their leases");
    assertEquals(List.of(), backlog.completeAll(List.of()), "an empty batch completes nothing");
  }

  @Test
  void completeAllOfClaimedCardsLinkedToEachOtherAfterTheClaimKeepsEveryCounterRight() {
    create("a", 2);
    create("b", 1);
    createDependent("c", "a");
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").ttl(TTL).limit(2).build());
    assertEquals(List.of("a", "b"), claimedIds(claims));
    backlog.link(id("a"), id("b"));
    List<Claim> fresh =
        List.of(
            new Claim(card("b"), claims.get(1).lease()),
            new Claim(card("a"), claims.get(0).lease()));
    assertEquals(List.of("b", "a"), ids(backlog.completeAll(fresh)));
    assertEquals(List.of("c"), claimable());
    Stats stats = backlog.stats();
    assertEquals(2L, stats.counts().get(CardStatus.DONE));
    assertEquals(1L, stats.counts().get(CardStatus.READY));
    assertEquals(1L, stats.claimable());
  }

  @Test
  void completeAllWithOneLostLeaseCompletesNothingEvenInsideAGoingOnTransaction() {
    create("c1", 3);
    create("c2", 2);
    create("c3", 1);
    createDependent("d", "c1");
    List<Claim> claims =
        backlog.claim(ClaimRequest.builder("w").ttl(Duration.ofSeconds(30)).limit(3).build());
    assertEquals(3, claims.size());
    Card renewed = backlog.renew(id("c2"), claims.get(1).token(), Duration.ofSeconds(90));
    clock.advance(Duration.ofSeconds(60));
    // c1's and c3's leases lapsed (not yet reclaimed); c2's holds: the first lapsed one in the
    // order given is named.
    LeaseLostException lost =
        assertLeaseLost(
            CardStatus.CLAIMED,
            () -> backlog.completeAll(List.of(claims.get(1), claims.get(2), claims.get(0))));
    assertTrue(lost.getMessage().contains("c3"), lost.getMessage());
    assertEquals(renewed, card("c2"));
    List<Card> before = backlog.list(CardQuery.ALL);
    int events = allEvents().size();
    String outcome =
        backlog.inTransaction(
            tx -> {
              try {
                tx.completeAll(List.of(claims.get(1), claims.get(0)));
                return "completed";
              } catch (LeaseLostException e) {
                return "refused " + e.card();
              }
            });
    assertEquals("refused c1", outcome);
    assertEquals(
        before, backlog.list(CardQuery.ALL), "a refused batch leaves every card as it was");
    assertEquals(events, allEvents().size(), "a refused batch writes no event");
    backlog.forceComplete(id("c3"));
    assertRefusedWithoutChange(
        CardNotFoundException.class,
        () ->
            backlog.completeAll(
                List.of(
                    claims.get(1),
                    new Claim(
                        claims.get(0).card().toBuilder().id(id("ghost")).build(),
                        claims.get(0).lease()))));
    InvalidInputException twice =
        assertRefusedWithoutChange(
            InvalidInputException.class,
            () -> backlog.completeAll(List.of(claims.get(1), claims.get(1))));
    assertTrue(
        twice.getMessage().contains("c2") && twice.getMessage().contains("more than once"),
        twice.getMessage());
    assertEquals(
        List.of(CardStatus.DONE),
        backlog.completeAll(List.of(claims.get(1))).stream().map(Card::status).toList());
  }

  @Test
  void releaseGivesTheCardBackKeepingItsAttempts() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    Card released = backlog.release(id("c1"), claim.token());
    assertEquals(CardStatus.READY, released.status());
    assertNull(released.lease());
    assertEquals(1, released.attempts());
    assertEquals(2, claim("w").orElseThrow().card().attempts());
  }

  @Test
  void dependentsAreTheCardsThatDependDirectlyOnACardInIdOrder() {
    create("a");
    backlog.create(NewCard.builder("c").title("t").dependsOn("a").build());
    backlog.create(NewCard.builder("b").title("t").dependsOn("a", "c").build());
    backlog.create(NewCard.builder("d").title("t").dependsOn("c").build());
    assertEquals(List.of(id("b"), id("c")), backlog.dependents(id("a")));
    assertEquals(List.of(id("b"), id("d")), backlog.dependents(id("c")));
    assertEquals(List.of(), backlog.dependents(id("d")));
    assertEquals(List.of(), backlog.dependents(id("nobody")));
  }

  @Test
  void releaseWithAReasonRecordsItInTheReleasedEvent() {
    create("c1");
    create("c2");
    Claim first = claimCard("w", "c1");
    Claim second = claimCard("w", "c2");
    backlog.release(id("c1"), first.token(), "session ended");
    backlog.release(id("c2"), second.token());
    List<Event> released =
        allEvents().stream().filter(e -> e.type() == EventType.RELEASED).toList();
    assertEquals(2, released.size(), released::toString);
    assertEquals("{\"reason\":\"session ended\"}", released.get(0).data());
    assertEquals("{}", released.get(1).data());
  }

  @Test
  void failBelowTheAttemptLimitMakesTheCardReadyAgain() {
    backlog.create(NewCard.builder("c1").title("t").maxAttempts(2).build());
    Claim claim = claim("w").orElseThrow();
    Card failed = backlog.fail(id("c1"), claim.token(), "flaky");
    assertEquals(CardStatus.READY, failed.status());
    assertEquals(1, failed.attempts());
    assertNull(failed.lease());
  }

  @Test
  void failAtTheCardsOwnAttemptLimitBlocksItWithTheReason() {
    backlog.create(NewCard.builder("c1").title("t").maxAttempts(2).build());
    backlog.fail(id("c1"), claim("w").orElseThrow().token(), "first");
    Claim second = claim("w").orElseThrow();
    assertEquals(2, second.card().attempts());
    Card blocked = backlog.fail(id("c1"), second.token(), "second");
    assertEquals(CardStatus.BLOCKED, blocked.status());
    assertNotNull(blocked.blockedReason());
    assertTrue(blocked.blockedReason().contains("second"), blocked.blockedReason());
    assertTrue(claim("w").isEmpty());
  }

  @Test
  void failAtTheBacklogDefaultAttemptLimitBlocksTheCard() {
    try (Backlog strict = backlogOver(store, clock, 1)) {
      create("c1");
      Claim claim = strict.claimOne("w", TTL).orElseThrow();
      assertEquals(CardStatus.BLOCKED, strict.fail(id("c1"), claim.token(), null).status());
      backlog.unblock(id("c1"));
      backlog.create(NewCard.builder("c2").title("own limit wins").maxAttempts(2).build());
      Claim own = strict.claim(ClaimRequest.builder("w").card(id("c2")).build()).get(0);
      assertEquals(CardStatus.READY, strict.fail(id("c2"), own.token(), null).status());
    }
  }

  @Test
  void aLapsedLeaseAtTheAttemptLimitIsBlockedWhenReclaimed() {
    backlog.create(NewCard.builder("c1").title("poison").maxAttempts(1).build());
    create("c2");
    claimCard("w", "c1");
    claimCard("w", "c2");
    clock.advance(Duration.ofMinutes(5));
    assertEquals(List.of(id("c1"), id("c2")), backlog.reclaimExpired());
    Card poison = card("c1");
    assertEquals(CardStatus.BLOCKED, poison.status());
    assertNotNull(poison.blockedReason());
    assertEquals(CardStatus.READY, card("c2").status());
  }

  @Test
  void reopenMakesADoneCardReadyAndItsDependentsWaitAgain() {
    create("a");
    createDependent("b", "a");
    backlog.forceComplete(id("a"));
    assertEquals(List.of("b"), claimable());
    Card reopened = backlog.reopen(id("a"));
    assertEquals(CardStatus.READY, reopened.status());
    assertEquals(0, reopened.attempts());
    assertEquals(List.of("a"), claimable());
    assertEquals(id("a"), claim("w").orElseThrow().card().id());
    assertTrue(claim("w").isEmpty());
  }

  @Test
  void blockRevokesTheLeaseAndTheOldTokenIsRefused() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    Card blocked = backlog.block(id("c1"), "needs a decision");
    assertEquals(CardStatus.BLOCKED, blocked.status());
    assertNull(blocked.lease());
    assertEquals("needs a decision", blocked.blockedReason());
    assertLeaseLost(CardStatus.BLOCKED, () -> backlog.complete(id("c1"), claim.token()));
    assertEquals(0, backlog.stats().count(CardStatus.CLAIMED));
  }

  @Test
  void unblockMakesABlockedCardReadyWithItsAttemptsReset() {
    backlog.create(NewCard.builder("c1").title("t").maxAttempts(1).build());
    backlog.fail(id("c1"), claim("w").orElseThrow().token(), "boom");
    Card unblocked = backlog.unblock(id("c1"));
    assertEquals(CardStatus.READY, unblocked.status());
    assertEquals(0, unblocked.attempts());
    assertNull(unblocked.blockedReason());
    assertEquals(id("c1"), claim("w").orElseThrow().card().id());
  }

  @Test
  void forceCompleteWorksFromReadyClaimedAndBlocked() {
    create("ready");
    create("claimed");
    create("blocked");
    Claim claim = claimCard("w", "claimed");
    backlog.block(id("blocked"), "parked");
    for (String c : List.of("ready", "claimed", "blocked")) {
      Card done = backlog.forceComplete(id(c));
      assertEquals(CardStatus.DONE, done.status(), c);
      assertNull(done.lease(), c);
    }
    assertLeaseLost(CardStatus.DONE, () -> backlog.complete(id("claimed"), claim.token()));
    List<Event> completed =
        allEvents().stream().filter(e -> e.type() == EventType.COMPLETED).toList();
    assertEquals(3, completed.size());
    completed.forEach(e -> assertNull(e.leaseToken(), "a forced completion presents no token"));
  }

  @Test
  void everyRefusedTransitionRaisesInvalidTransitionNamingTheCurrentStatus() {
    create("r");
    create("d");
    backlog.forceComplete(id("d"));
    create("b");
    backlog.block(id("b"), null);
    create("c");
    claimCard("w", "c");
    assertAll(
        () -> assertInvalidTransition(CardStatus.READY, () -> backlog.unblock(id("r"))),
        () -> assertInvalidTransition(CardStatus.READY, () -> backlog.reopen(id("r"))),
        () -> assertInvalidTransition(CardStatus.READY, () -> backlog.reclaim(id("r"))),
        () -> assertInvalidTransition(CardStatus.DONE, () -> backlog.block(id("d"), "x")),
        () -> assertInvalidTransition(CardStatus.DONE, () -> backlog.unblock(id("d"))),
        () -> assertInvalidTransition(CardStatus.DONE, () -> backlog.forceComplete(id("d"))),
        () -> assertInvalidTransition(CardStatus.DONE, () -> backlog.reclaim(id("d"))),
        () -> assertInvalidTransition(CardStatus.BLOCKED, () -> backlog.block(id("b"), "again")),
        () -> assertInvalidTransition(CardStatus.BLOCKED, () -> backlog.reopen(id("b"))),
        () -> assertInvalidTransition(CardStatus.BLOCKED, () -> backlog.reclaim(id("b"))),
        () -> assertInvalidTransition(CardStatus.CLAIMED, () -> backlog.unblock(id("c"))),
        () -> assertInvalidTransition(CardStatus.CLAIMED, () -> backlog.reopen(id("c"))));
  }

  @Test
  void operationsOnAnUnknownCardRaiseCardNotFound() {
    CardId ghost = id("ghost");
    for (Executable op :
        List.<Executable>of(
            () -> backlog.block(ghost, null),
            () -> backlog.unblock(ghost),
            () -> backlog.reopen(ghost),
            () -> backlog.forceComplete(ghost),
            () -> backlog.reclaim(ghost),
            () -> backlog.unlink(ghost, ghost),
            () -> backlog.renew(ghost, LeaseToken.of(1), TTL),
            () -> backlog.fail(ghost, LeaseToken.of(1), null))) {
      CardNotFoundException e = assertRefusedWithoutChange(CardNotFoundException.class, op);
      assertEquals(ghost, e.card());
    }
  }
}
