package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.EventType;
import dev.backlog.core.NewCard;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Claiming cards: racing claimers never share a card and never starve, claim order, the lease a
 * claim carries, claims by id, by phase and in batches, empty claims, and waiting (long-poll)
 * claims.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class ClaimContract extends ContractGroup {

  ClaimContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void twoConcurrentClaimersOnOneCardYieldExactlyOneWinner() throws Exception {
    create("only", 10);
    Backlog a = second();
    Backlog b = second();
    List<Optional<Claim>> results =
        race(List.of(() -> a.claimOne("worker-A", TTL), () -> b.claimOne("worker-B", TTL)));
    List<Claim> winners = results.stream().flatMap(Optional::stream).toList();
    assertEquals(1, winners.size(), () -> "exactly one claimer must win: " + results);
    Claim winner = winners.get(0);
    assertEquals(id("only"), winner.card().id());
    assertEquals(CardStatus.CLAIMED, winner.card().status());
    assertTrue(Set.of("worker-A", "worker-B").contains(winner.lease().owner()));
    Card stored = card("only");
    assertEquals(CardStatus.CLAIMED, stored.status());
    assertEquals(1, stored.attempts());
    assertEquals(winner.lease(), stored.lease());
  }

  @Test
  void eightConcurrentClaimersOnFiveCardsWinFiveDistinctCards() throws Exception {
    for (int i = 0; i < 5; i++) {
      create("card-" + i, i);
    }
    List<Callable<Optional<Claim>>> claimers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Backlog facade = second();
      String owner = "w-" + i;
      claimers.add(() -> facade.claimOne(owner, TTL));
    }
    List<Claim> won = race(claimers).stream().flatMap(Optional::stream).toList();
    assertEquals(5, won.size(), () -> "five claimers must win: " + won);
    assertEquals(
        5, new HashSet<>(claimedIds(won)).size(), () -> "no card may be claimed twice: " + won);
    assertEquals(
        5, won.stream().map(Claim::token).distinct().count(), "every claim gets its own token");
  }

  @Test
  void nConcurrentClaimersOnNCardsEachWinADistinctCard() throws Exception {
    int n = 6;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < n; i++) {
        create("r" + round + "-" + i, i);
      }
      List<Callable<Optional<Claim>>> claimers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Backlog facade = second();
        String owner = "w-" + i;
        claimers.add(() -> facade.claimOne(owner, TTL));
      }
      List<Optional<Claim>> results = race(claimers);
      List<Claim> won = results.stream().flatMap(Optional::stream).toList();
      assertEquals(
          n, won.size(), () -> "no claimer may starve while claimable cards remain: " + results);
      assertEquals(n, new HashSet<>(claimedIds(won)).size());
      assertEquals(List.of(), claimable(), "every ready card must have been claimed");
    }
  }

  @Test
  void sequentialClaimsDrainReadyCardsInPriorityOrderAndThenFindNothing() {
    for (int i = 0; i < 4; i++) {
      create("s-" + i, i);
    }
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(
          claim("w-" + i)
              .orElseThrow(() -> new AssertionError("a ready card was left unclaimed"))
              .card()
              .id()
              .value());
    }
    assertEquals(List.of("s-3", "s-2", "s-1", "s-0"), order);
    assertTrue(claim("late").isEmpty());
  }

  @Test
  void claimOrderIsPriorityDescendingThenCreationTimeThenId() {
    create("m-b", 5);
    create("m-a", 5);
    create("low", 1);
    clock.advance(Duration.ofSeconds(1));
    create("a-later", 5);
    create("high", 7);
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").ttl(TTL).limit(10).build());
    assertEquals(List.of("high", "m-a", "m-b", "a-later", "low"), claimedIds(claims));
  }

  @Test
  void aClaimCarriesALeaseWithOwnerTokenAndExpiryFromTheStoreClock() {
    create("c1");
    Instant now = clock.instant();
    Claim claim = backlog.claimOne("worker-1", Duration.ofSeconds(90)).orElseThrow();
    assertAll(
        () -> assertEquals("worker-1", claim.lease().owner()),
        () -> assertEquals(now, claim.lease().claimedAt()),
        () -> assertEquals(now.plusSeconds(90), claim.lease().expiresAt()),
        () -> assertEquals(1, claim.card().attempts()),
        () -> assertEquals(2, claim.card().version()),
        () -> assertEquals(claim.card(), card("c1")));
  }

  @Test
  void aClaimByIdTakesThatCardEvenWhenOthersRankHigher() {
    create("a", 9);
    create("b", 1);
    Claim claim = claimCard("w", "b");
    assertEquals(id("b"), claim.card().id());
    assertEquals(CardStatus.READY, card("a").status());
  }

  @Test
  void aClaimByIdOfACardThatIsNotClaimableIsEmpty() {
    create("dep");
    createDependent("main", "dep");
    backlog.create(NewCard.builder("parked").title("p").blocked(true).build());
    for (String target : List.of("main", "parked")) {
      assertTrue(
          backlog.claim(ClaimRequest.builder("w").card(id(target)).build()).isEmpty(), target);
    }
    claimCard("w", "dep");
    assertTrue(
        backlog.claim(ClaimRequest.builder("w2").card(id("dep")).build()).isEmpty(),
        "a claimed card cannot be claimed again by id");
    assertEquals(
        List.of(EventType.CREATED, EventType.CREATED, EventType.CREATED, EventType.CLAIMED),
        eventTypes());
  }

  @Test
  void aClaimByIdOfAnUnknownCardRaisesCardNotFound() {
    assertThrows(
        CardNotFoundException.class,
        () -> backlog.claim(ClaimRequest.builder("w").card(id("ghost")).build()));
  }

  @Test
  void aClaimByPhaseOnlyTakesCardsOfThatPhase() {
    backlog.create(NewCard.builder("m1").title("a").phase("M1").priority(1).build());
    backlog.create(NewCard.builder("m2").title("b").phase("M2").priority(9).build());
    create("none", 5);
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").phase("M1").limit(5).build());
    assertEquals(List.of("m1"), claimedIds(claims));
    assertTrue(backlog.claim(ClaimRequest.builder("w").phase("M1").build()).isEmpty());
    assertTrue(backlog.claim(ClaimRequest.builder("w").phase("M3").build()).isEmpty());
    assertTrue(
        backlog.claim(ClaimRequest.builder("w").phase("M1").card(id("m2")).build()).isEmpty(),
        "a claim by id must respect the phase filter");
  }

  @Test
  void aBatchClaimTakesUpToTheLimitInClaimOrder() {
    for (int i = 0; i < 5; i++) {
      create("c" + i, i);
    }
    List<Claim> first = backlog.claim(ClaimRequest.builder("w").ttl(TTL).limit(3).build());
    assertEquals(List.of("c4", "c3", "c2"), claimedIds(first));
    assertEquals(3, first.stream().map(Claim::token).distinct().count());
    List<Claim> rest = backlog.claim(ClaimRequest.builder("w").ttl(TTL).limit(3).build());
    assertEquals(List.of("c1", "c0"), claimedIds(rest));
    assertTrue(backlog.claim(ClaimRequest.builder("w").limit(3).build()).isEmpty());
  }

  @Test
  void aClaimWithNothingReadyIsEmptyNotAnError() {
    assertTrue(claim("w").isEmpty());
    create("c1");
    backlog.block(id("c1"), "parked");
    create("c2");
    backlog.forceComplete(id("c2"));
    assertTrue(claim("w").isEmpty());
    assertEquals(List.of(), claimable());
  }

  @Test
  void aWaitingClaimWakesUpWhenWorkArrives() throws Exception {
    Backlog producer = second();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      long start = System.nanoTime();
      Future<List<Claim>> waiting =
          pool.submit(
              () ->
                  backlog.claim(
                      ClaimRequest.builder("w").ttl(TTL).maxWait(Duration.ofSeconds(20)).build()));
      Thread.sleep(50);
      producer.create(NewCard.builder("late").title("arrives while a worker waits").build());
      List<Claim> claims = waiting.get(30, TimeUnit.SECONDS);
      assertEquals(List.of("late"), claimedIds(claims));
      assertTrue(
          Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
          "the waiting claim must wake up on the change, not at the end of its wait");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWaitingClaimGivesUpEmptyWhenNoWorkArrives() {
    long start = System.nanoTime();
    List<Claim> claims =
        backlog.claim(ClaimRequest.builder("w").maxWait(Duration.ofMillis(200)).build());
    assertEquals(List.of(), claims);
    assertTrue(
        System.nanoTime() - start >= Duration.ofMillis(200).toNanos(),
        "the claim must wait before giving up");
  }
}
