package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.CoalescingStats;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.spi.BacklogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Coalesced claims and completions ({@link Backlog.Builder#coalescing}) over a store: many threads
 * through one {@link Backlog}, and batches formed deterministically by holding one transaction at a
 * gate ({@link GatedStore}) while the other calls queue behind it. Each caller must get its own
 * result: its own cards and tokens, or its own refusal while the others commit; a failed shared
 * transaction must reach every caller in it and leave nobody waiting.
 *
 * <p>Not thread-safe itself (the engine creates one instance per test); it drives the store from
 * many threads.
 */
public abstract class CoalescingContract extends StoreContractSupport {

  private static final Duration LONG_TTL = Duration.ofHours(1);
  private static final Duration BOUND = Duration.ofSeconds(60);

  private MutableClock clock;
  private BacklogStore store;
  private GatedStore gated;
  private Backlog backlog;
  private ExecutorService pool;
  private final List<List<Event>> notified =
      java.util.Collections.synchronizedList(new ArrayList<>());

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected CoalescingContract() {}

  /**
   * Threads of the many-threads test (default 32); a slow store may lower it, to no less than 8.
   */
  protected int threads() {
    return 32;
  }

  /** Opens a fresh store behind a gate and a coalescing backlog over it. */
  @BeforeEach
  void open() {
    clock = newClock();
    store = newStore(clock);
    gated = new GatedStore(store);
    backlog =
        Backlog.builder()
            .store(gated)
            .clock(clock)
            .sweepInterval(null)
            .closeStore(false)
            .defaultMaxAttempts(1_000)
            .coalescing(true)
            // One transaction in flight: the calls behind the held one queue, whatever the load.
            .coalescedInFlight(1)
            .listener(notified::add)
            .build();
    pool = Executors.newCachedThreadPool();
  }

  /** Stops the threads and closes the store. */
  @AfterEach
  void close() throws InterruptedException {
    gated.open();
    pool.shutdownNow();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    backlog.close();
    store.close();
  }

  // ---------------------------------------------------------------- helpers

  private void create(String... ids) {
    backlog.inTransaction(
        tx -> {
          for (String id : ids) {
            tx.create(NewCard.builder(id).title("card " + id).build());
          }
          return null;
        });
  }

  private Claim claim(String id) {
    return backlog
        .claim(ClaimRequest.builder("w").ttl(LONG_TTL).card(CardId.of(id)).build())
        .get(0);
  }

  private <T> Future<T> spawn(Callable<T> call) {
    return pool.submit(call);
  }

  /** Waits (bounded) until {@code n} calls queue behind the transaction at the gate. */
  private void awaitQueued(Supplier<CoalescingStats.Group> group, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (group.get().waiting() < n) {
      if (System.nanoTime() > deadline) {
        fail("only " + group.get().waiting() + " of " + n + " calls queued within " + BOUND);
      }
      Thread.sleep(2);
    }
  }

  /** The result of a call, or its exception; fails when the call is still waiting after BOUND. */
  private static Object outcome(Future<?> future) throws InterruptedException {
    try {
      return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("a coalesced call was left waiting for " + BOUND, e);
    }
  }

  // ---------------------------------------------------------------- tests

  @Test
  void manyThreadsClaimAndCompleteThroughOneBacklogEachCardOnceWithDistinctIncreasingTokens()
      throws Exception {
    int threads = threads();
    int cards = threads * 8;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < cards; i++) {
      ids.add("m" + i);
    }
    create(ids.toArray(String[]::new));
    // The first claim is held until every other thread queued behind it, and so is the first
    // completion (armed as the claims are let go, so none slips through first): at least one batch
    // of each kind forms however fast the store is; after that, the threads run freely.
    ThreadLocal<Boolean> completing = ThreadLocal.withInitial(() -> false);
    gated.holdNext();
    Future<Void> conductor =
        spawn(
            () -> {
              gated.awaitHeld();
              awaitQueued(() -> backlog.coalescingStats().claims(), threads - 1);
              gated.openAndHoldNext(completing::get);
              gated.awaitHeld();
              awaitQueued(() -> backlog.coalescingStats().completions(), threads - 1);
              gated.open();
              return null;
            });
    Map<CardId, LeaseToken> claimed = new ConcurrentHashMap<>();
    Set<LeaseToken> tokens = ConcurrentHashMap.newKeySet();
    AtomicInteger twice = new AtomicInteger();
    List<Callable<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String owner = "worker-" + t;
      workers.add(
          () -> {
            int done = 0;
            while (true) {
              Optional<Claim> claim = backlog.claimOne(owner, LONG_TTL);
              if (claim.isEmpty()) {
                return done;
              }
              Claim c = claim.get();
              if (claimed.putIfAbsent(c.card().id(), c.token()) != null || !tokens.add(c.token())) {
                twice.incrementAndGet();
              }
              assertEquals(owner, c.card().lease().owner(), "a claim made for another caller");
              completing.set(true);
              Card card;
              try {
                card = backlog.complete(c.card().id(), c.token());
              } finally {
                completing.set(false);
              }
              assertEquals(CardStatus.DONE, card.status());
              done++;
            }
          });
    }
    int done = Race.runTogether(pool, BOUND, backlog, workers).stream().mapToInt(i -> i).sum();
    assertEquals(null, outcome(conductor), "the conductor saw both batches form");

    assertEquals(0, twice.get(), "a card or a token was handed out twice");
    assertEquals(cards, done, "every card completed exactly once");
    assertEquals(cards, claimed.size());
    for (Card card : backlog.list(CardQuery.ALL)) {
      assertEquals(CardStatus.DONE, card.status(), () -> card.id() + " was not done");
      assertEquals(1, card.attempts(), () -> card.id() + " was claimed more than once");
    }
    List<Event> events = EventAudit.allEvents(backlog);
    EventAudit.auditEvents(events, seqsAreGapFree());
    LeaseToken last = null;
    for (Event e : events) {
      if (e.type() == EventType.CLAIMED) {
        assertEquals(claimed.get(e.cardId()), e.leaseToken(), "the claimed event's token");
        if (last != null) {
          assertTrue(
              e.leaseToken().compareTo(last) > 0,
              "tokens must increase in commit order: " + last + " then " + e.leaseToken());
        }
        last = e.leaseToken();
      }
    }
    assertEquals(cards, events.stream().filter(e -> e.type() == EventType.CLAIMED).count());
    assertEquals(cards, events.stream().filter(e -> e.type() == EventType.COMPLETED).count());
    CoalescingStats stats = backlog.coalescingStats();
    assertTrue(
        stats.claims().largest() >= threads - 1,
        "the held claims and those queued behind them formed one batch: " + stats);
    assertTrue(
        stats.completions().largest() >= threads - 1,
        "the held completions and those queued behind them formed one batch: " + stats);
    assertTrue(
        stats.claims().transactions() < stats.claims().calls(),
        "fewer claim transactions than claims: " + stats);
  }

  @Test
  void anIdleBacklogRunsEachCallAloneAtOnce() {
    create("i1");
    Claim claim = backlog.claimOne("w", LONG_TTL).orElseThrow();
    backlog.complete(claim.card().id(), claim.token());
    CoalescingStats stats = backlog.coalescingStats();
    assertEquals(new CoalescingStats.Group(1, 1, 0, 1, 0), stats.claims());
    assertEquals(new CoalescingStats.Group(1, 1, 0, 1, 0), stats.completions());
  }

  @Test
  void oneOfEightCoalescedCompletionsCarriesAStaleTokenAndOnlyThatOneIsRefused() throws Exception {
    create("lead", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7");
    Claim lead = claim("lead");
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      claims.add(claim("c" + i));
    }
    // c5's first lease is taken back and the card claimed again: its first token is stale.
    Claim stale = claims.get(5);
    backlog.reclaim(stale.card().id());
    Claim current = claim("c5");
    notified.clear();

    gated.holdNext();
    Future<Card> first = spawn(() -> backlog.complete(lead.card().id(), lead.token()));
    gated.awaitHeld();
    List<Future<Card>> eight = new ArrayList<>();
    for (Claim c : claims) {
      eight.add(spawn(() -> backlog.complete(c.card().id(), c.token())));
    }
    awaitQueued(() -> backlog.coalescingStats().completions(), 8);
    gated.open();

    assertEquals(CardStatus.DONE, ((Card) outcome(first)).status());
    for (int i = 0; i < 8; i++) {
      Object result = outcome(eight.get(i));
      if (i == 5) {
        LeaseLostException refused = assertInstanceOf(LeaseLostException.class, result);
        assertEquals(stale.card().id(), refused.card());
      } else {
        assertEquals(CardStatus.DONE, assertInstanceOf(Card.class, result).status(), "c" + i);
      }
    }
    CoalescingStats.Group stats = backlog.coalescingStats().completions();
    assertEquals(8, stats.largest(), "the eight completions shared one transaction: " + stats);
    Card c5 = backlog.find(stale.card().id()).orElseThrow();
    assertEquals(CardStatus.CLAIMED, c5.status(), "the refused completion changed nothing");
    assertEquals(current.token(), c5.lease().token());
    assertEquals(2, notified.size(), "one notification per transaction: " + notified);
    assertEquals(
        List.of(EventType.COMPLETED),
        notified.get(0).stream().map(Event::type).toList(),
        "the leader's own transaction");
    assertEquals(
        7,
        notified.get(1).stream().filter(e -> e.type() == EventType.COMPLETED).count(),
        "the batch committed the seven valid completions: " + notified.get(1));
    for (int i = 0; i < 8; i++) {
      List<Run> runs = backlog.history(claims.get(i).card().id());
      if (i == 5) {
        assertEquals(2, runs.size(), "the revoked first lease and the open second: " + runs);
        assertEquals(RunOutcome.REVOKED, runs.get(0).outcome());
        assertEquals(null, runs.get(1).outcome(), "the refused completion ended no run");
        assertEquals(current.token(), runs.get(1).token());
      } else {
        assertEquals(1, runs.size(), "c" + i + " " + runs);
        assertEquals(RunOutcome.COMPLETED, runs.get(0).outcome(), "c" + i);
        assertEquals(claims.get(i).token(), runs.get(0).token(), "c" + i);
        assertEquals("w", runs.get(0).owner(), "c" + i);
      }
    }
  }

  @Test
  void twoCompletionsOfOneCardInOneBatchBehaveAsTheyWouldInSequence() throws Exception {
    create("lead", "twice", "other");
    Claim lead = claim("lead");
    Claim twice = claim("twice");
    Claim other = claim("other");
    gated.holdNext();
    Future<Card> first = spawn(() -> backlog.complete(lead.card().id(), lead.token()));
    gated.awaitHeld();
    Future<Card> a = spawn(() -> backlog.complete(twice.card().id(), twice.token()));
    awaitQueued(() -> backlog.coalescingStats().completions(), 1);
    Future<Card> b = spawn(() -> backlog.complete(twice.card().id(), twice.token(), "{\"n\":2}"));
    awaitQueued(() -> backlog.coalescingStats().completions(), 2);
    Future<Card> c = spawn(() -> backlog.complete(other.card().id(), other.token()));
    awaitQueued(() -> backlog.coalescingStats().completions(), 3);
    gated.open();

    outcome(first);
    assertEquals(CardStatus.DONE, assertInstanceOf(Card.class, outcome(a)).status());
    assertInstanceOf(LeaseLostException.class, outcome(b), "the second completion of one lease");
    assertEquals(CardStatus.DONE, assertInstanceOf(Card.class, outcome(c)).status());
    assertEquals(3, backlog.coalescingStats().completions().largest());
    List<Event> events = EventAudit.allEvents(backlog);
    assertEquals(
        1,
        events.stream()
            .filter(e -> e.type() == EventType.COMPLETED && e.cardId().equals(twice.card().id()))
            .count(),
        "one completion of the card");
  }

  @Test
  void claimsQueuedTogetherEachGetTheirOwnCardsOwnerPhaseAndRefusal() throws Exception {
    backlog.inTransaction(
        tx -> {
          tx.create(NewCard.builder("lead").title("lead").priority(9).build());
          tx.create(NewCard.builder("p1").title("p1").priority(5).build());
          tx.create(NewCard.builder("p2").title("p2").priority(4).build());
          tx.create(NewCard.builder("r1").title("r1").phase("review").build());
          tx.create(NewCard.builder("r2").title("r2").phase("review").build());
          tx.create(NewCard.builder("x").title("x").build());
          return null;
        });
    gated.holdNext();
    Future<List<Claim>> first =
        spawn(() -> backlog.claim(ClaimRequest.builder("leader").ttl(LONG_TTL).build()));
    gated.awaitHeld();
    List<ClaimRequest> requests =
        List.of(
            ClaimRequest.builder("byId").card(CardId.of("x")).ttl(Duration.ofMinutes(5)).build(),
            ClaimRequest.builder("reviewer").phase("review").limit(2).ttl(LONG_TTL).build(),
            ClaimRequest.builder("missing").card(CardId.of("nope")).build(),
            ClaimRequest.builder("plain")
                .ttl(Duration.ofMinutes(7))
                .leasePhase("compile")
                .attributes(Map.of("host", "h1"))
                .build(),
            ClaimRequest.builder("late").phase("review").build());
    List<Future<List<Claim>>> queued = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      ClaimRequest request = requests.get(i);
      queued.add(spawn(() -> backlog.claim(request)));
      awaitQueued(() -> backlog.coalescingStats().claims(), i + 1);
    }
    gated.open();

    assertEquals(List.of(CardId.of("lead")), ids(outcome(first)));
    List<Claim> byId = claimsOf(outcome(queued.get(0)));
    assertEquals(List.of(CardId.of("x")), ids(byId));
    assertEquals("byId", byId.get(0).card().lease().owner());
    assertEquals(
        Duration.ofMinutes(5),
        Duration.between(byId.get(0).lease().claimedAt(), byId.get(0).lease().expiresAt()));
    assertEquals(List.of(CardId.of("r1"), CardId.of("r2")), ids(outcome(queued.get(1))));
    CardNotFoundException missing =
        assertInstanceOf(CardNotFoundException.class, outcome(queued.get(2)));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    List<Claim> plain = claimsOf(outcome(queued.get(3)));
    assertEquals(List.of(CardId.of("p1")), ids(plain));
    assertEquals("compile", plain.get(0).lease().phase());
    assertEquals(Map.of("host", "h1"), plain.get(0).lease().attributes());
    assertEquals(List.of(), outcome(queued.get(4)), "review cards were all taken before");
    assertEquals(5, backlog.coalescingStats().claims().largest());
    Set<LeaseToken> tokens = new HashSet<>();
    for (Event e : EventAudit.allEvents(backlog)) {
      if (e.type() == EventType.CLAIMED) {
        assertTrue(tokens.add(e.leaseToken()), "distinct tokens");
      }
    }
    assertEquals(5, tokens.size(), "one claimed event per card: lead, x, r1, r2, p1");
  }

  @Test
  void aFailedCoalescedCompletionTransactionReachesEveryCallerAndChangesNothing() throws Exception {
    create("lead", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7");
    Claim lead = claim("lead");
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      claims.add(claim("f" + i));
    }
    gated.holdNext();
    Future<Card> first = spawn(() -> backlog.complete(lead.card().id(), lead.token()));
    gated.awaitHeld();
    gated.failNext();
    List<Future<Card>> eight = new ArrayList<>();
    for (Claim c : claims) {
      eight.add(spawn(() -> backlog.complete(c.card().id(), c.token())));
    }
    awaitQueued(() -> backlog.coalescingStats().completions(), 8);
    gated.open();

    assertEquals(CardStatus.DONE, ((Card) outcome(first)).status());
    for (Future<Card> f : eight) {
      assertInstanceOf(StoreUnavailableException.class, outcome(f), "every caller is told");
    }
    for (Claim c : claims) {
      Card card = backlog.find(c.card().id()).orElseThrow();
      assertEquals(CardStatus.CLAIMED, card.status(), "the failed batch was rolled back");
      assertEquals(c.token(), card.lease().token());
    }
    // Nobody holds the group: the same completions go through afterwards, concurrently.
    List<Future<Card>> again = new ArrayList<>();
    for (Claim c : claims) {
      again.add(spawn(() -> backlog.complete(c.card().id(), c.token())));
    }
    for (Future<Card> f : again) {
      assertEquals(CardStatus.DONE, assertInstanceOf(Card.class, outcome(f)).status());
    }
    assertEquals(0, backlog.coalescingStats().completions().waiting());
  }

  @Test
  void aFailedCoalescedClaimTransactionReachesEveryCallerAndLeavesTheCardsClaimable()
      throws Exception {
    create("g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8");
    gated.holdNext();
    Future<List<Claim>> first = spawn(() -> backlog.claim(ClaimRequest.builder("lead").build()));
    gated.awaitHeld();
    gated.failNext();
    List<Future<List<Claim>>> eight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ClaimRequest request = ClaimRequest.builder("w" + i).build();
      eight.add(spawn(() -> backlog.claim(request)));
    }
    awaitQueued(() -> backlog.coalescingStats().claims(), 8);
    gated.open();

    assertEquals(1, claimsOf(outcome(first)).size());
    for (Future<List<Claim>> f : eight) {
      assertInstanceOf(StoreUnavailableException.class, outcome(f), "every caller is told");
    }
    assertEquals(8, backlog.stats().claimable(), "the failed batch claimed nothing");
    List<Future<List<Claim>>> again = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ClaimRequest request = ClaimRequest.builder("again" + i).build();
      again.add(spawn(() -> backlog.claim(request)));
    }
    Set<CardId> won = new HashSet<>();
    for (Future<List<Claim>> f : again) {
      won.addAll(ids(outcome(f)));
    }
    assertEquals(8, won.size(), "the next claims got the eight cards");
  }

  @Test
  void aQueuedClaimInterruptedBeforeItWasTakenLeavesTheQueueAndClaimsNothing() throws Exception {
    create("h0", "h1", "h2");
    gated.holdNext();
    Future<List<Claim>> first = spawn(() -> backlog.claim(ClaimRequest.builder("lead").build()));
    gated.awaitHeld();
    Future<List<Claim>> interrupted =
        spawn(() -> backlog.claim(ClaimRequest.builder("gone").build()));
    awaitQueued(() -> backlog.coalescingStats().claims(), 1);
    Future<List<Claim>> stays = spawn(() -> backlog.claim(ClaimRequest.builder("stays").build()));
    awaitQueued(() -> backlog.coalescingStats().claims(), 2);
    interrupted.cancel(true);
    awaitQueuedExactly(1);
    gated.open();

    assertEquals(1, claimsOf(outcome(first)).size());
    List<Claim> kept = claimsOf(outcome(stays));
    assertEquals(1, kept.size());
    assertEquals("stays", kept.get(0).card().lease().owner());
    assertEquals(1, backlog.stats().claimable(), "the interrupted caller claimed nothing");
    assertEquals(0, backlog.coalescingStats().claims().waiting());
  }

  private void awaitQueuedExactly(int n) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (backlog.coalescingStats().claims().waiting() != n) {
      if (System.nanoTime() > deadline) {
        fail("the interrupted call did not leave the queue: " + backlog.coalescingStats());
      }
      Thread.sleep(2);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Claim> claimsOf(Object result) {
    if (result instanceof BacklogException e) {
      throw new AssertionError("the call was refused: " + e.getMessage(), e);
    }
    return (List<Claim>) assertInstanceOf(List.class, result);
  }

  private static List<CardId> ids(Object result) {
    return claimsOf(result).stream().map(c -> c.card().id()).toList();
  }
}
