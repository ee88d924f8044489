package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.IdempotencyConflictException;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.InvalidTransitionException;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import dev.backlog.core.UnknownDependencyException;
import dev.backlog.core.Violation;
import dev.backlog.core.spi.BacklogStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Example-based contract of a {@link BacklogStore}: the behaviour every store must show, one
 * scenario per test, driven through {@link Backlog} with the lapsed-lease sweep disabled and a
 * {@link MutableClock}. Extend it in a test class and implement {@link #newStore}.
 *
 * <pre>{@code
 * class MyStoreTest extends BacklogStoreContract {
 *   protected BacklogStore newStore(InstantSource clock) { return new MyStore(clock); }
 * }
 * }</pre>
 *
 * <p>Not thread-safe; the test engine creates one instance per test.
 */
public abstract class BacklogStoreContract extends StoreContractSupport {

  /** The lease length used when a test does not care. */
  protected static final Duration TTL = Duration.ofSeconds(60);

  /** The clock of the current test. */
  protected MutableClock clock;
  /** The store of the current test. */
  protected BacklogStore store;
  /** The backlog over {@link #store} (sweep disabled, default attempt limit 3). */
  protected Backlog backlog;

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected BacklogStoreContract() {
  }

  /** Opens a fresh store for the test. */
  @BeforeEach
  void openStore() {
    clock = newClock();
    store = newStore(clock);
    backlog = backlogOver(store, clock, Backlog.DEFAULT_MAX_ATTEMPTS);
  }

  /** Closes the test's store. */
  @AfterEach
  void closeStore() {
    if (backlog != null) {
      backlog.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static CardId id(String value) {
    return CardId.of(value);
  }

  private Card create(String id) {
    return backlog.create(NewCard.builder(id).title("card " + id).build());
  }

  private Card create(String id, int priority) {
    return backlog.create(NewCard.builder(id).title("card " + id).priority(priority).build());
  }

  private Card createDependent(String id, String... deps) {
    return backlog.create(NewCard.builder(id).title("card " + id).dependsOn(deps).build());
  }

  private Optional<Claim> claim(String owner) {
    return backlog.claimOne(owner, TTL);
  }

  private Claim claimCard(String owner, String card) {
    List<Claim> claims = backlog.claim(ClaimRequest.builder(owner).ttl(TTL).card(id(card)).build());
    assertEquals(1, claims.size(), () -> "claiming " + card + " by id should succeed, got " + claims);
    return claims.get(0);
  }

  private Card card(String id) {
    return backlog.get(id(id));
  }

  private List<Event> allEvents() {
    return backlog.events(EventQuery.after(0, EventQuery.MAX_LIMIT));
  }

  private List<EventType> eventTypes() {
    return allEvents().stream().map(Event::type).toList();
  }

  private List<String> ids(List<Card> cards) {
    return cards.stream().map(c -> c.id().value()).toList();
  }

  private List<String> claimedIds(List<Claim> claims) {
    return claims.stream().map(c -> c.card().id().value()).toList();
  }

  private List<String> claimable() {
    return ids(backlog.list(new CardQuery(null, null, true, CardQuery.MAX_LIMIT)));
  }

  /** Asserts that the action is refused and that neither cards nor events changed. */
  private <X extends Throwable> X assertRefusedWithoutChange(Class<X> type, Executable action) {
    List<Card> before = backlog.list(CardQuery.ALL);
    int events = allEvents().size();
    X refused = assertThrows(type, action);
    assertEquals(before, backlog.list(CardQuery.ALL), "a refused operation must not change any card");
    assertEquals(events, allEvents().size(), "a refused operation must not write an event");
    return refused;
  }

  private void assertInvalidTransition(CardStatus current, Executable action) {
    InvalidTransitionException e = assertRefusedWithoutChange(InvalidTransitionException.class, action);
    assertEquals(current, e.current(), "the exception must carry the card's current status");
    assertTrue(e.getMessage().contains(current.wireName()),
        () -> "the message must name the current status '" + current.wireName() + "': " + e.getMessage());
  }

  private LeaseLostException assertLeaseLost(CardStatus status, Executable action) {
    LeaseLostException e = assertRefusedWithoutChange(LeaseLostException.class, action);
    assertEquals(status, e.status(), "the exception must carry the card's current status");
    return e;
  }

  private Backlog second() {
    return backlogOver(store, clock, Backlog.DEFAULT_MAX_ATTEMPTS);
  }

  /** Runs the tasks at once on their own threads (released together) and returns their results in order. */
  private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch ready = new CountDownLatch(tasks.size());
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      assertTrue(ready.await(30, TimeUnit.SECONDS), "racing threads did not start");
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- create and list

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
    Card created = backlog.create(NewCard.builder("c1").title("First card").body("line one\nline two")
        .phase("M1").priority(5).dependsOn("dep").acceptance("[ \"tests pass\" , \"docs\" ]")
        .idempotencyKey("key-1").maxAttempts(4).build());
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
    CardNotFoundException e = assertThrows(CardNotFoundException.class, () -> backlog.get(id("nope")));
    assertEquals(id("nope"), e.card());
  }

  @Test
  void listFiltersByStatusAndByPhase() {
    backlog.create(NewCard.builder("c1").title("a").phase("M1").build());
    backlog.create(NewCard.builder("c2").title("b").phase("M2").build());
    backlog.create(NewCard.builder("c3").title("c").phase("M1").build());
    backlog.block(id("c2"), null);
    assertEquals(List.of("c1", "c3"), ids(backlog.list(new CardQuery(null, "M1", false, 100))));
    assertEquals(List.of("c2"), ids(backlog.list(new CardQuery(CardStatus.BLOCKED, null, false, 100))));
    assertEquals(List.of("c1", "c3"), ids(backlog.list(new CardQuery(CardStatus.READY, null, false, 100))));
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
    DuplicateCardException e = assertRefusedWithoutChange(DuplicateCardException.class,
        () -> backlog.create(NewCard.builder("c1").title("again").build()));
    assertEquals(id("c1"), e.card());
  }

  // ---------------------------------------------------------------- idempotency

  @Test
  void anIdempotentCreateWithTheSameContentReturnsTheSameCardOnce() {
    NewCard request = NewCard.builder("c1").title("one").priority(2).idempotencyKey("k-1").build();
    Card first = backlog.create(request);
    clock.advance(Duration.ofSeconds(5));
    Card again = backlog.create(NewCard.builder("c1").title("one").priority(2).idempotencyKey("k-1").build());
    assertEquals(first, again, "a retried create must return the original card unchanged");
    assertEquals(1, backlog.list(CardQuery.ALL).size());
    assertEquals(List.of(EventType.CREATED), eventTypes(), "a retried create must not write a second event");
  }

  @Test
  void anIdempotencyKeyReusedWithDifferentContentIsAConflict() {
    backlog.create(NewCard.builder("c1").title("one").idempotencyKey("k-1").build());
    IdempotencyConflictException e = assertRefusedWithoutChange(IdempotencyConflictException.class,
        () -> backlog.create(NewCard.builder("c2").title("two").idempotencyKey("k-1").build()));
    assertEquals("k-1", e.key());
    assertEquals(id("c1"), e.existing());
    assertRefusedWithoutChange(IdempotencyConflictException.class,
        () -> backlog.create(NewCard.builder("c1").title("one, edited").idempotencyKey("k-1").build()));
  }

  @Test
  void racingIdempotentCreatesMakeExactlyOneCard() throws Exception {
    List<Callable<Card>> creates = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Backlog facade = second();
      creates.add(() -> facade.create(NewCard.builder("c1").title("one").idempotencyKey("k-race").build()));
    }
    List<Card> results = race(creates);
    assertEquals(1, new HashSet<>(results).size(), () -> "every racing create must return the same card: " + results);
    assertEquals(1, backlog.list(CardQuery.ALL).size());
    assertEquals(List.of(EventType.CREATED), eventTypes());
  }

  // ---------------------------------------------------------------- claim

  @Test
  void twoConcurrentClaimersOnOneCardYieldExactlyOneWinner() throws Exception {
    create("only", 10);
    Backlog a = second();
    Backlog b = second();
    List<Optional<Claim>> results = race(List.of(() -> a.claimOne("worker-A", TTL), () -> b.claimOne("worker-B", TTL)));
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
    assertEquals(5, new HashSet<>(claimedIds(won)).size(), () -> "no card may be claimed twice: " + won);
    assertEquals(5, won.stream().map(Claim::token).distinct().count(), "every claim gets its own token");
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
      assertEquals(n, won.size(), () -> "no claimer may starve while claimable cards remain: " + results);
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
      order.add(claim("w-" + i).orElseThrow(() -> new AssertionError("a ready card was left unclaimed"))
          .card().id().value());
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
  void leaseTokensStrictlyIncreaseAcrossTheBacklog() {
    for (int i = 0; i < 5; i++) {
      create("c" + i);
    }
    List<LeaseToken> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Claim c = claim("w").orElseThrow();
      tokens.add(c.token());
      backlog.release(c.card().id(), c.token());
    }
    for (int i = 1; i < tokens.size(); i++) {
      assertTrue(tokens.get(i).compareTo(tokens.get(i - 1)) > 0, () -> "tokens must increase: " + tokens);
    }
  }

  @Test
  void aTokenIssuedInARolledBackTransactionIsNeverIssuedAgain() {
    create("c1");
    LeaseToken rolledBack = assertThrows(TokenEscape.class, () -> backlog.inTransaction(tx -> {
      throw new TokenEscape(tx.claimOne("w", TTL).orElseThrow().token());
    })).token;
    assertEquals(CardStatus.READY, card("c1").status());
    Claim claim = claim("w").orElseThrow();
    assertTrue(claim.token().compareTo(rolledBack) > 0, () -> "token " + claim.token() + " after rolled-back token "
        + rolledBack + ": lease tokens come from a sequence that a rollback does not rewind");
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(id("c1"), rolledBack));
  }

  /** Carries a token out of a transaction that is then rolled back. */
  private static final class TokenEscape extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient LeaseToken token;

    TokenEscape(LeaseToken token) {
      super("roll back after claiming", null, false, false);
      this.token = token;
    }
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
      assertTrue(backlog.claim(ClaimRequest.builder("w").card(id(target)).build()).isEmpty(), target);
    }
    claimCard("w", "dep");
    assertTrue(backlog.claim(ClaimRequest.builder("w2").card(id("dep")).build()).isEmpty(),
        "a claimed card cannot be claimed again by id");
    assertEquals(List.of(EventType.CREATED, EventType.CREATED, EventType.CREATED, EventType.CLAIMED), eventTypes());
  }

  @Test
  void aClaimByIdOfAnUnknownCardRaisesCardNotFound() {
    assertThrows(CardNotFoundException.class,
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
    assertTrue(backlog.claim(ClaimRequest.builder("w").phase("M1").card(id("m2")).build()).isEmpty(),
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
      Future<List<Claim>> waiting = pool.submit(() -> backlog.claim(ClaimRequest.builder("w").ttl(TTL)
          .maxWait(Duration.ofSeconds(20)).build()));
      Thread.sleep(50);
      producer.create(NewCard.builder("late").title("arrives while a worker waits").build());
      List<Claim> claims = waiting.get(30, TimeUnit.SECONDS);
      assertEquals(List.of("late"), claimedIds(claims));
      assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
          "the waiting claim must wake up on the change, not at the end of its wait");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWaitingClaimGivesUpEmptyWhenNoWorkArrives() {
    long start = System.nanoTime();
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").maxWait(Duration.ofMillis(200)).build());
    assertEquals(List.of(), claims);
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos(), "the claim must wait before giving up");
  }

  // ---------------------------------------------------------------- DAG

  @Test
  void aCardWithAnUnfinishedDependencyIsNeitherClaimableNorListedAsClaimable() {
    create("dep");
    createDependent("main", "dep");
    Claim first = claim("w").orElseThrow();
    assertEquals(id("dep"), first.card().id());
    assertTrue(claim("w").isEmpty(), "main must wait while dep is claimed");
    assertFalse(claimable().contains("main"));
    backlog.complete(id("dep"), first.token());
    assertEquals(List.of("main"), claimable());
    assertEquals(id("main"), claim("w").orElseThrow().card().id());
  }

  @Test
  void completingTheLastOfSeveralDependenciesUnlocksTheDependent() {
    create("a");
    create("b");
    createDependent("main", "a", "b");
    backlog.forceComplete(id("a"));
    assertEquals(List.of("b"), claimable());
    Claim b = claimCard("w", "b");
    assertEquals(List.of(), claimable());
    backlog.complete(id("b"), b.token());
    assertEquals(List.of("main"), claimable());
  }

  @Test
  void linkAddsADependencyThatGatesTheClaim() {
    create("a", 9);
    create("b", 1);
    Card linked = backlog.link(id("a"), id("b"));
    assertEquals(Set.of(id("b")), linked.dependsOn());
    assertEquals(linked, card("a"));
    assertEquals(2, linked.version());
    assertEquals(id("b"), claim("w").orElseThrow().card().id());
    assertTrue(claim("w").isEmpty());
  }

  @Test
  void aRepeatedLinkIsANoOpWithoutAnEvent() {
    create("a");
    create("b");
    Card first = backlog.link(id("a"), id("b"));
    Card again = backlog.link(id("a"), id("b"));
    assertEquals(first, again);
    assertEquals(List.of(EventType.CREATED, EventType.CREATED, EventType.LINKED), eventTypes());
  }

  @Test
  void unlinkRemovesADependencyAndUnlinkingAMissingEdgeChangesNothing() {
    create("a");
    create("b");
    backlog.link(id("a"), id("b"));
    Card unlinked = backlog.unlink(id("a"), id("b"));
    assertTrue(unlinked.dependsOn().isEmpty());
    assertEquals(List.of("a", "b"), claimable());
    Card again = backlog.unlink(id("a"), id("b"));
    assertEquals(unlinked, again);
    assertEquals(List.of(EventType.CREATED, EventType.CREATED, EventType.LINKED, EventType.UNLINKED), eventTypes());
  }

  @Test
  void aSelfLinkIsRefusedAsACycle() {
    create("a");
    DependencyCycleException e = assertRefusedWithoutChange(DependencyCycleException.class,
        () -> backlog.link(id("a"), id("a")));
    assertEquals(List.of(id("a"), id("a")), e.path());
  }

  @Test
  void aLinkClosingATwoCycleIsRefusedNamingThePath() {
    create("a");
    create("b");
    backlog.link(id("a"), id("b"));
    DependencyCycleException e = assertRefusedWithoutChange(DependencyCycleException.class,
        () -> backlog.link(id("b"), id("a")));
    assertEquals(List.of(id("b"), id("a"), id("b")), e.path());
    assertTrue(e.getMessage().contains("b -> a -> b"), e.getMessage());
  }

  @Test
  void aLinkClosingAThreeCycleIsRefusedNamingThePath() {
    create("a");
    create("b");
    create("c");
    backlog.link(id("a"), id("b"));
    backlog.link(id("b"), id("c"));
    DependencyCycleException e = assertRefusedWithoutChange(DependencyCycleException.class,
        () -> backlog.link(id("c"), id("a")));
    assertEquals(List.of(id("c"), id("a"), id("b"), id("c")), e.path());
  }

  @Test
  void aCreateThatDependsOnItselfIsRefusedAsACycle() {
    DependencyCycleException e = assertRefusedWithoutChange(DependencyCycleException.class,
        () -> createDependent("a", "a"));
    assertEquals(List.of(id("a"), id("a")), e.path());
  }

  @Test
  void aCreateClosingACycleThroughAForwardReferenceIsRefusedNamingThePath() {
    DependencyCycleException e = assertRefusedWithoutChange(DependencyCycleException.class,
        () -> backlog.inTransaction(tx -> {
          tx.create(NewCard.builder("a").title("a").dependsOn("b").build());
          tx.create(NewCard.builder("b").title("b").dependsOn("c").build());
          return tx.create(NewCard.builder("c").title("c").dependsOn("a").build());
        }));
    assertEquals(List.of(id("c"), id("a"), id("b"), id("c")), e.path());
    assertTrue(backlog.list(CardQuery.ALL).isEmpty(), "the whole transaction must roll back");
  }

  @Test
  void aCreateClosingATwoCycleThroughAForwardReferenceIsRefusedNamingThePath() {
    DependencyCycleException e = assertRefusedWithoutChange(DependencyCycleException.class,
        () -> backlog.inTransaction(tx -> {
          tx.create(NewCard.builder("a").title("a").dependsOn("b").build());
          return tx.create(NewCard.builder("b").title("b").dependsOn("a").build());
        }));
    assertEquals(List.of(id("b"), id("a"), id("b")), e.path());
  }

  @Test
  void aLinkToAnUnknownCardIsRefusedAndALinkFromAnUnknownCardIsNotFound() {
    create("a");
    UnknownDependencyException e = assertRefusedWithoutChange(UnknownDependencyException.class,
        () -> backlog.link(id("a"), id("ghost")));
    assertEquals(id("a"), e.card());
    assertEquals(Set.of(id("ghost")), e.missing());
    assertRefusedWithoutChange(CardNotFoundException.class, () -> backlog.link(id("ghost"), id("a")));
  }

  @Test
  void aCreateWithAnUnknownDependencyIsRefusedAndLeavesNoTrace() {
    create("a");
    UnknownDependencyException e = assertRefusedWithoutChange(UnknownDependencyException.class,
        () -> createDependent("b", "a", "ghost"));
    assertEquals(id("b"), e.card());
    assertEquals(Set.of(id("ghost")), e.missing());
    assertTrue(backlog.find(id("b")).isEmpty());
  }

  @Test
  void aCardMayDependOnACardCreatedLaterInTheSameTransaction() {
    List<Card> created = backlog.inTransaction(tx -> List.of(
        tx.create(NewCard.builder("a").title("a").dependsOn("b").build()),
        tx.create(NewCard.builder("b").title("b").build())));
    assertEquals(2, created.size());
    assertEquals(Set.of(id("b")), card("a").dependsOn());
    assertEquals(List.of("b"), claimable());
  }

  @Test
  void anUnknownDependencyFoundAtCommitRollsBackTheWholeTransaction() {
    create("x");
    int eventsBefore = allEvents().size();
    UnknownDependencyException e = assertThrows(UnknownDependencyException.class,
        () -> backlog.inTransaction(tx -> {
          tx.create(NewCard.builder("a").title("a").dependsOn("b").build());
          tx.create(NewCard.builder("c").title("c").build());
          tx.forceComplete(id("x"));
          return null;
        }));
    assertEquals(id("a"), e.card());
    assertEquals(Set.of(id("b")), e.missing());
    assertEquals(List.of("x"), ids(backlog.list(CardQuery.ALL)));
    assertEquals(CardStatus.READY, card("x").status());
    assertEquals(eventsBefore, allEvents().size());
  }

  // ---------------------------------------------------------------- reclaim and expiry

  @Test
  void reclaimReturnsExpiredLeasesToReady() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofSeconds(60)).orElseThrow();
    clock.advance(Duration.ofHours(1));
    assertEquals(List.of(id("c1")), backlog.reclaimExpired());
    Card card = card("c1");
    assertEquals(CardStatus.READY, card.status());
    assertNull(card.lease());
    assertEquals(1, card.attempts());
    Event reclaimed = allEvents().get(allEvents().size() - 1);
    assertEquals(EventType.RECLAIMED, reclaimed.type());
    assertEquals(claim.token(), reclaimed.leaseToken(), "a reclaim event carries the revoked lease's token");
  }

  @Test
  void reclaimDoesNotTouchAFreshLease() {
    create("c1");
    backlog.claimOne("w", Duration.ofHours(1)).orElseThrow();
    clock.advance(Duration.ofMinutes(59));
    assertEquals(List.of(), backlog.reclaimExpired());
    assertEquals(CardStatus.CLAIMED, card("c1").status());
    assertEquals(List.of(EventType.CREATED, EventType.CLAIMED), eventTypes());
  }

  @Test
  void aLeaseLapsesExactlyAtItsExpiry() {
    create("c1");
    create("c2");
    Claim one = backlog.claimOne("w", Duration.ofSeconds(30)).orElseThrow();
    Claim two = backlog.claimOne("w", Duration.ofSeconds(31)).orElseThrow();
    clock.advance(Duration.ofSeconds(30));
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(one.card().id(), one.token()));
    assertEquals(1, backlog.stats().expiredLeaseCount());
    assertEquals(List.of(one.card().id()), backlog.reclaimExpired());
    backlog.complete(two.card().id(), two.token());
  }

  @Test
  void reclaimByIdReleasesAFreshLeaseAtOnce() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofHours(1)).orElseThrow();
    Card reclaimed = backlog.reclaim(id("c1"));
    assertEquals(CardStatus.READY, reclaimed.status());
    assertNull(reclaimed.lease());
    assertLeaseLost(CardStatus.READY, () -> backlog.complete(id("c1"), claim.token()));
  }

  @Test
  void reclaimByIdOfACardThatIsNotClaimedIsAnInvalidTransition() {
    create("c1");
    assertInvalidTransition(CardStatus.READY, () -> backlog.reclaim(id("c1")));
    assertRefusedWithoutChange(CardNotFoundException.class, () -> backlog.reclaim(id("ghost")));
  }

  // ---------------------------------------------------------------- fencing

  @Test
  void aStaleTokenIsRefusedAfterExpiryAndReclaimByAnotherOwner() {
    create("c1");
    Claim old = backlog.claimOne("slow-worker", Duration.ofSeconds(10)).orElseThrow();
    clock.advance(Duration.ofSeconds(11));
    backlog.reclaimExpired();
    Claim fresh = backlog.claimOne("secret-owner-w2", TTL).orElseThrow();
    assertTrue(fresh.token().compareTo(old.token()) > 0);
    for (Executable stale : List.<Executable>of(
        () -> backlog.complete(id("c1"), old.token()),
        () -> backlog.renew(id("c1"), old.token(), TTL),
        () -> backlog.release(id("c1"), old.token()),
        () -> backlog.fail(id("c1"), old.token(), "late"))) {
      LeaseLostException e = assertLeaseLost(CardStatus.CLAIMED, stale);
      assertEquals(id("c1"), e.card());
      assertEquals(old.token(), e.presented());
      assertFalse(e.getMessage().contains("secret-owner-w2"), () -> "never name the new owner: " + e.getMessage());
      assertFalse(e.getMessage().contains("lease " + fresh.token() + " "),
          () -> "never reveal the new token: " + e.getMessage());
    }
    assertEquals(fresh.lease(), card("c1").lease(), "the new holder keeps its lease");
    backlog.complete(id("c1"), fresh.token());
  }

  @Test
  void anExpiredLeaseCannotBeUsedEvenBeforeItIsReclaimed() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofSeconds(10)).orElseThrow();
    clock.advance(Duration.ofSeconds(20));
    LeaseLostException e = assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(id("c1"), claim.token()));
    assertEquals(Optional.of(claim.lease().expiresAt()), e.expiresAt());
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.renew(id("c1"), claim.token(), TTL));
  }

  @Test
  void aTokenNeverIssuedIsRefused() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    LeaseToken bogus = LeaseToken.of(claim.token().value() + 1000);
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(id("c1"), bogus));
  }

  @Test
  void tokenOperationsOnACardThatIsNotClaimedAreRefusedNamingItsStatus() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    backlog.complete(id("c1"), claim.token());
    assertLeaseLost(CardStatus.DONE, () -> backlog.complete(id("c1"), claim.token()));
    assertLeaseLost(CardStatus.DONE, () -> backlog.release(id("c1"), claim.token()));
    create("c2");
    assertLeaseLost(CardStatus.READY, () -> backlog.complete(id("c2"), claim.token()));
    assertRefusedWithoutChange(CardNotFoundException.class, () -> backlog.complete(id("ghost"), claim.token()));
  }

  @Test
  void renewExtendsTheLeaseFromNow() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofSeconds(30)).orElseThrow();
    clock.advance(Duration.ofSeconds(20));
    Card renewed = backlog.renew(id("c1"), claim.token(), Duration.ofSeconds(30));
    assertEquals(clock.instant().plusSeconds(30), renewed.lease().expiresAt());
    assertEquals(claim.token(), renewed.lease().token());
    assertEquals(claim.lease().claimedAt(), renewed.lease().claimedAt());
    clock.advance(Duration.ofSeconds(20));
    assertEquals(List.of(), backlog.reclaimExpired());
    backlog.complete(id("c1"), claim.token());
    assertEquals(CardStatus.DONE, card("c1").status());
  }

  // ---------------------------------------------------------------- status machine

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
    assertEquals(List.of("c4", "c0", "c2", "c1"), events.stream().map(e -> e.cardId().value()).toList());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(EventType.COMPLETED, events.get(i).type());
      assertEquals(order.get(i).token(), events.get(i).leaseToken());
    }
    assertEquals(List.of("fanIn", "one"), claimable().stream().sorted().toList(),
        "dependents whose last dependency completed in the batch are claimable");
    assertEquals(CardStatus.CLAIMED, card("c3").status(), "claims left out of the batch keep their leases");
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
    List<Claim> fresh = List.of(new Claim(card("b"), claims.get(1).lease()), new Claim(card("a"), claims.get(0).lease()));
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
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").ttl(Duration.ofSeconds(30)).limit(3).build());
    assertEquals(3, claims.size());
    Card renewed = backlog.renew(id("c2"), claims.get(1).token(), Duration.ofSeconds(90));
    clock.advance(Duration.ofSeconds(60));
    // c1's and c3's leases lapsed (not yet reclaimed); c2's holds: the first lapsed one in the order given is named.
    LeaseLostException lost = assertLeaseLost(CardStatus.CLAIMED,
        () -> backlog.completeAll(List.of(claims.get(1), claims.get(2), claims.get(0))));
    assertTrue(lost.getMessage().contains("c3"), lost.getMessage());
    assertEquals(renewed, card("c2"));
    List<Card> before = backlog.list(CardQuery.ALL);
    int events = allEvents().size();
    String outcome = backlog.inTransaction(tx -> {
      try {
        tx.completeAll(List.of(claims.get(1), claims.get(0)));
        return "completed";
      } catch (LeaseLostException e) {
        return "refused " + e.card();
      }
    });
    assertEquals("refused c1", outcome);
    assertEquals(before, backlog.list(CardQuery.ALL), "a refused batch leaves every card as it was");
    assertEquals(events, allEvents().size(), "a refused batch writes no event");
    backlog.forceComplete(id("c3"));
    assertRefusedWithoutChange(CardNotFoundException.class,
        () -> backlog.completeAll(List.of(claims.get(1), new Claim(claims.get(0).card().toBuilder()
            .id(id("ghost")).build(), claims.get(0).lease()))));
    InvalidInputException twice = assertRefusedWithoutChange(InvalidInputException.class,
        () -> backlog.completeAll(List.of(claims.get(1), claims.get(1))));
    assertTrue(twice.getMessage().contains("c2") && twice.getMessage().contains("more than once"),
        twice.getMessage());
    assertEquals(List.of(CardStatus.DONE), backlog.completeAll(List.of(claims.get(1))).stream()
        .map(Card::status).toList());
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
    List<Event> completed = allEvents().stream().filter(e -> e.type() == EventType.COMPLETED).toList();
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
    for (Executable op : List.<Executable>of(
        () -> backlog.block(ghost, null), () -> backlog.unblock(ghost), () -> backlog.reopen(ghost),
        () -> backlog.forceComplete(ghost), () -> backlog.reclaim(ghost), () -> backlog.unlink(ghost, ghost),
        () -> backlog.renew(ghost, LeaseToken.of(1), TTL), () -> backlog.fail(ghost, LeaseToken.of(1), null))) {
      CardNotFoundException e = assertRefusedWithoutChange(CardNotFoundException.class, op);
      assertEquals(ghost, e.card());
    }
  }

  // ---------------------------------------------------------------- events

  @Test
  void everyMutationWritesOneEventOfTheRightTypeWithConsecutiveSeq() {
    create("a");
    create("b");
    backlog.link(id("a"), id("b"));
    backlog.unlink(id("a"), id("b"));
    Claim c1 = claimCard("w1", "a");
    backlog.renew(id("a"), c1.token(), TTL);
    backlog.release(id("a"), c1.token());
    Claim c2 = claimCard("w2", "a");
    backlog.fail(id("a"), c2.token(), "oops");
    Claim c3 = claimCard("w3", "a");
    backlog.complete(id("a"), c3.token());
    backlog.reopen(id("a"));
    backlog.block(id("a"), "hold");
    backlog.unblock(id("a"));
    Claim c4 = claimCard("w4", "a");
    backlog.reclaim(id("a"));
    backlog.forceComplete(id("b"));

    List<Event> events = allEvents();
    assertEquals(List.of(EventType.CREATED, EventType.CREATED, EventType.LINKED, EventType.UNLINKED,
        EventType.CLAIMED, EventType.RENEWED, EventType.RELEASED, EventType.CLAIMED, EventType.FAILED,
        EventType.CLAIMED, EventType.COMPLETED, EventType.REOPENED, EventType.BLOCKED, EventType.UNBLOCKED,
        EventType.CLAIMED, EventType.RECLAIMED, EventType.COMPLETED),
        events.stream().map(Event::type).toList());
    for (int i = 0; i < events.size(); i++) {
      if (seqsAreGapFree()) {
        assertEquals(i + 1L, events.get(i).seq(), "seq must be consecutive from 1");
      } else {
        assertTrue(events.get(i).seq() > (i == 0 ? 0 : events.get(i - 1).seq()), "seq must increase strictly");
      }
    }
    List<LeaseToken> tokens = events.stream().map(Event::leaseToken).toList();
    assertEquals(Arrays.asList(null, null, null, null, c1.token(), c1.token(), c1.token(), c2.token(),
        c2.token(), c3.token(), c3.token(), null, null, null, c4.token(), c4.token(), null), tokens);
    assertEquals(List.of("a", "b", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "b"),
        events.stream().map(e -> e.cardId().value()).toList());
    assertEquals("w1", events.get(4).actor(), "a claim is attributed to its owner");
    assertEquals(Backlog.DEFAULT_ACTOR, events.get(0).actor());
    events.forEach(e -> assertTrue(e.data().startsWith("{") && e.data().endsWith("}"), e.data()));
  }

  @Test
  void eventsPageByAfterSeqAndLimitAndFilterByCard() {
    for (int i = 0; i < 5; i++) {
      create("c" + i);
    }
    backlog.forceComplete(id("c1"));
    backlog.reopen(id("c1"));
    List<Event> all = allEvents();
    assertEquals(7, all.size());
    List<Event> paged = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page = backlog.events(EventQuery.after(after, 3));
      if (page.isEmpty()) {
        break;
      }
      assertTrue(page.size() <= 3);
      paged.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
    assertEquals(all, paged, "paging by seq must return every event once, in order");
    assertEquals(List.of(3L, 4L), backlog.events(EventQuery.after(2, 2)).stream().map(Event::seq).toList());
    List<Event> ofC1 = backlog.events(new EventQuery(0, id("c1"), 100));
    assertEquals(List.of(EventType.CREATED, EventType.COMPLETED, EventType.REOPENED),
        ofC1.stream().map(Event::type).toList());
    assertEquals(List.of(EventType.REOPENED),
        backlog.events(new EventQuery(ofC1.get(1).seq(), id("c1"), 100)).stream().map(Event::type).toList());
    assertEquals(List.of(), backlog.events(EventQuery.after(7, 10)));
  }

  @Test
  void eventsRecordTheStoreClock() {
    create("a");
    clock.advance(Duration.ofMinutes(3));
    Instant later = clock.instant();
    backlog.block(id("a"), null);
    List<Event> events = allEvents();
    assertEquals(later, events.get(1).at());
    assertTrue(events.get(0).at().isBefore(events.get(1).at()));
  }

  // ---------------------------------------------------------------- transactions

  @Test
  void afterCommitActionsRunOnlyOnceTheTransactionCommitted() {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    backlog.inTransaction(tx -> {
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
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> backlog.inTransaction(tx -> {
      tx.create(NewCard.builder("a").title("a").build());
      tx.afterCommit(() -> log.add("ran"));
      throw boom;
    }));
    assertSame(boom, thrown);
    assertEquals(List.of(), log);
    assertThrows(DuplicateCardException.class, () -> backlog.inTransaction(tx -> {
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
    assertThrows(IllegalStateException.class, () -> backlog.inTransaction(tx -> {
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
    Card recreated = backlog.create(NewCard.builder("gone").title("other content").idempotencyKey("k").build());
    assertEquals("other content", recreated.title(), "a rolled-back idempotency key must be free again");
    if (seqsAreGapFree()) {
      assertEquals(eventsBefore.size() + 1L, allEvents().get(allEvents().size() - 1).seq(),
          "seq continues without a gap after a rollback");
    } else {
      assertEquals(eventsBefore.size() + 1, allEvents().size(), "one new event after the rollback");
      assertTrue(allEvents().get(allEvents().size() - 1).seq() > eventsBefore.get(eventsBefore.size() - 1).seq(),
          "seq keeps increasing after a rollback");
    }
  }

  @Test
  void operationsInOneTransactionSeeEachOthersWrites() {
    Claim claim = backlog.inTransaction(tx -> {
      tx.create(NewCard.builder("a").title("a").build());
      assertTrue(tx.find(id("a")).isPresent());
      Claim c = tx.claimOne("w", TTL).orElseThrow();
      assertEquals(2, tx.events(EventQuery.after(0, 10)).size());
      return c;
    });
    assertEquals(CardStatus.CLAIMED, card("a").status());
    assertEquals(claim.lease(), card("a").lease());
  }

  // ---------------------------------------------------------------- validation

  @Test
  void invalidInputListsEveryViolationAtOnceAndChangesNothing() {
    create("keep");
    InvalidInputException e = assertRefusedWithoutChange(InvalidInputException.class,
        () -> backlog.create(NewCard.builder("../x").title("  ").maxAttempts(-1).acceptance("[1, 2").build()));
    Set<String> fields = e.violations().stream().map(Violation::field).collect(Collectors.toSet());
    assertEquals(Set.of("id", "title", "maxAttempts", "acceptance"), fields, e::getMessage);
    assertTrue(e.getMessage().contains("../x"), e.getMessage());
  }

  @Test
  void cardIdsThatAreNotSafeInPathsOrTooLongAreRefused() {
    for (String bad : List.of("../x", "a/b", "", "-leading", "x".repeat(200), "white space")) {
      InvalidInputException e = assertRefusedWithoutChange(InvalidInputException.class,
          () -> backlog.create(NewCard.builder(bad).title("t").build()));
      assertEquals(List.of("id"), e.violations().stream().map(Violation::field).toList(), bad);
    }
    assertTrue(backlog.list(CardQuery.ALL).isEmpty());
    assertEquals(CardId.MAX_LENGTH, create("x".repeat(CardId.MAX_LENGTH)).id().value().length());
  }

  @Test
  void maxAttemptsOfZeroOrLessIsRefused() {
    for (int bad : new int[] {0, -1}) {
      InvalidInputException e = assertRefusedWithoutChange(InvalidInputException.class,
          () -> backlog.create(NewCard.builder("c1").title("t").maxAttempts(bad).build()));
      assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
    }
  }

  @Test
  void leaseLengthsOfZeroNegativeOrAboveTheMaximumAreRefusedAtClaimAndRenew() {
    create("c1");
    for (Duration bad : List.of(Duration.ZERO, Duration.ofSeconds(-5), ClaimRequest.MAX_TTL.plusSeconds(1))) {
      InvalidInputException e = assertRefusedWithoutChange(InvalidInputException.class,
          () -> backlog.claim(ClaimRequest.builder("w").ttl(bad).build()));
      assertEquals("ttl", e.violations().get(0).field());
    }
    Claim claim = claim("w").orElseThrow();
    for (Duration bad : List.of(Duration.ZERO, ClaimRequest.MAX_TTL.plusSeconds(1))) {
      assertRefusedWithoutChange(InvalidInputException.class, () -> backlog.renew(id("c1"), claim.token(), bad));
    }
    assertEquals(claim.lease(), card("c1").lease());
  }

  @Test
  void aClaimRequestListsEveryViolationAtOnce() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ClaimRequest.builder(" ").ttl(Duration.ZERO).limit(0).build());
    assertEquals(Set.of("owner", "ttl", "limit"),
        e.violations().stream().map(Violation::field).collect(Collectors.toSet()));
  }

  // ---------------------------------------------------------------- stats

  @Test
  void statsCountEveryStatusClaimableCardsOldestAgeExpiredLeasesAndPhases() {
    backlog.create(NewCard.builder("r1").title("r1").phase("M1").build());
    clock.advance(Duration.ofSeconds(10));
    backlog.create(NewCard.builder("r2").title("r2").phase("M1").build());
    backlog.create(NewCard.builder("gated").title("g").dependsOn("r2").build());
    backlog.create(NewCard.builder("b1").title("b1").phase("M2").build());
    backlog.block(id("b1"), null);
    create("d1");
    backlog.forceComplete(id("d1"));
    create("cl1");
    backlog.claim(ClaimRequest.builder("w").card(id("cl1")).ttl(Duration.ofSeconds(60)).build());
    create("cl2");
    backlog.claim(ClaimRequest.builder("w").card(id("cl2")).ttl(Duration.ofSeconds(600)).build());
    clock.advance(Duration.ofSeconds(90));

    Stats stats = backlog.stats();
    assertAll(
        () -> assertEquals(Map.of(CardStatus.READY, 3L, CardStatus.CLAIMED, 2L, CardStatus.BLOCKED, 1L,
            CardStatus.DONE, 1L), stats.counts()),
        () -> assertEquals(7, stats.total()),
        () -> assertEquals(2, stats.claimable()),
        () -> assertEquals(Duration.ofSeconds(100), stats.oldestClaimableAge()),
        () -> assertEquals(1, stats.expiredLeaseCount()),
        () -> assertEquals(Set.of("M1", "M2"), stats.byPhase().keySet()),
        () -> assertEquals(2L, stats.byPhase().get("M1").get(CardStatus.READY)),
        () -> assertEquals(0L, stats.byPhase().get("M1").get(CardStatus.DONE)),
        () -> assertEquals(1L, stats.byPhase().get("M2").get(CardStatus.BLOCKED)));
  }

  @Test
  void statsOfAnEmptyBacklogAreZeroWithNoOldestAge() {
    Stats stats = backlog.stats();
    assertEquals(0, stats.total());
    assertEquals(0, stats.claimable());
    assertNull(stats.oldestClaimableAge());
    assertEquals(0, stats.expiredLeaseCount());
    assertTrue(stats.byPhase().isEmpty());
    IntStream.range(0, CardStatus.values().length)
        .forEach(i -> assertEquals(0L, stats.count(CardStatus.values()[i])));
  }

  // ---------------------------------------------------------------- store used directly

  @Test
  void theStoreItselfRollsBackWhenTheWorkThrows() {
    RuntimeException boom = new RuntimeException("abort");
    RuntimeException thrown = assertThrows(RuntimeException.class, () -> store.inTransaction(tx -> {
      tx.create(NewCard.builder("a").title("a").build(), "direct");
      assertEquals(1, tx.writtenEvents().size());
      throw boom;
    }));
    assertSame(boom, thrown);
    assertTrue(store.inTransaction(tx -> tx.find(id("a"))).isEmpty());
    Card created = store.inTransaction(tx -> tx.create(NewCard.builder("a").title("a").build(), "direct"));
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
