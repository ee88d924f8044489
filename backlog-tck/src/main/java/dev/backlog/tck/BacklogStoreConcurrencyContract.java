package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.BacklogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency contract of a {@link BacklogStore}: threads racing claims, completions, releases,
 * failures, renewals and reclaims against one store. Checks that no card is ever held under two
 * leases at once, that no claimer comes back empty while claimable cards remain, that attempts are
 * counted exactly, that the event stream has no gaps (seq 1..n) and that every card ends done
 * exactly once. The store's own event stream is audited too: every token-carrying event must belong
 * to the card's lease that was open at that point.
 *
 * <p>Sizes come from {@link #sizes()}; a slow store may scale them down, but the defaults are what
 * the in-memory reference store runs.
 *
 * <p>Not thread-safe itself (the engine creates one instance per test); it drives the store from
 * many threads.
 */
public abstract class BacklogStoreConcurrencyContract extends StoreContractSupport {

  /**
   * How hard the concurrency tests push.
   *
   * @param threads concurrent workers (at least 2)
   * @param cards cards drained per test (at least {@code threads})
   * @param rounds repetitions of the barrier-started claim races (at least 1)
   * @param timeout the most one test may take before it is failed as stuck
   */
  public record Sizes(int threads, int cards, int rounds, Duration timeout) {

    /** Checks the sizes are meaningful. */
    public Sizes {
      if (threads < 2
          || cards < threads
          || rounds < 1
          || timeout == null
          || timeout.isNegative()
          || timeout.isZero()) {
        throw new IllegalArgumentException(
            "sizes need threads >= 2, cards >= threads, rounds >= 1 and a positive"
                + " timeout; got threads="
                + threads
                + ", cards="
                + cards
                + ", rounds="
                + rounds
                + ", timeout="
                + timeout);
      }
    }
  }

  /** The default sizes: 8 threads, 400 cards, 20 rounds, 2 minutes. */
  public static final Sizes DEFAULT_SIZES = new Sizes(8, 400, 20, Duration.ofMinutes(2));

  private static final Duration LONG_TTL = Duration.ofHours(1);

  private MutableClock clock;
  private BacklogStore store;
  private Backlog backlog;
  private ExecutorService pool;

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected BacklogStoreConcurrencyContract() {}

  /** How hard to push; override to scale down for a slow store. */
  protected Sizes sizes() {
    return DEFAULT_SIZES;
  }

  /** Opens a fresh store and a worker pool. */
  @BeforeEach
  void openStore() {
    clock = newClock();
    store = newStore(clock);
    backlog = facade();
    pool = Executors.newFixedThreadPool(sizes().threads());
  }

  /** Stops the workers and closes the store. */
  @AfterEach
  void closeStore() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    if (backlog != null) {
      backlog.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /**
   * Whether the workers share one coalescing {@link Backlog} ({@link Backlog.Builder#coalescing}),
   * as the threads of one host do, instead of each having its own facade with coalescing off, as
   * separate hosts would. Every store should run the contract both ways: the default (false) and a
   * subclass returning true.
   */
  protected boolean coalescing() {
    return false;
  }

  /**
   * With {@link #coalescing()}, how many coalesced transactions of one kind may run at once ({@link
   * Backlog.Builder#coalescedInFlight}); default null, the store's own preference ({@link
   * dev.backlog.core.spi.BacklogStore#coalescedInFlight}), as a host that sets nothing gets.
   */
  protected Integer coalescedInFlight() {
    return null;
  }

  /**
   * The workers' facade: the shared coalescing backlog, or a new facade over the shared store for
   * each worker, as separate hosts would have.
   */
  private Backlog facade() {
    if (coalescing() && backlog != null) {
      return backlog;
    }
    Backlog.Builder builder =
        Backlog.builder()
            .store(store)
            .clock(clock)
            .sweepInterval(null)
            .closeStore(false)
            .defaultMaxAttempts(1_000)
            .coalescing(coalescing());
    if (coalescedInFlight() != null) {
      builder.coalescedInFlight(coalescedInFlight());
    }
    return builder.build();
  }

  private void createCards(String prefix, int count, Random random, boolean withDependencies) {
    backlog.inTransaction(
        tx -> {
          for (int i = 0; i < count; i++) {
            NewCard.Builder card =
                NewCard.builder(prefix + i).title("card " + i).priority(random.nextInt(5));
            if (withDependencies && i > 0 && random.nextInt(4) == 0) {
              card.dependsOn(prefix + random.nextInt(i));
            }
            tx.create(card.build());
          }
          return null;
        });
  }

  /** Runs the tasks on the pool, all released at once, and waits for them within the timeout. */
  private <T> List<T> runTogether(List<Callable<T>> tasks) throws InterruptedException {
    return Race.runTogether(pool, sizes().timeout(), backlog, tasks);
  }

  private List<Event> allEvents() {
    return EventAudit.allEvents(backlog);
  }

  /** Audits the event stream; see {@link EventAudit#auditEvents}. */
  private Map<CardId, Integer> auditEvents(List<Event> events) {
    return EventAudit.auditEvents(events, seqsAreGapFree());
  }

  // ---------------------------------------------------------------- tests

  @Test
  void racingClaimersWithAsManyCardsAsClaimersEachWinADistinctCard() throws Exception {
    int threads = sizes().threads();
    Random random = new Random(1);
    for (int round = 0; round < sizes().rounds(); round++) {
      createCards("r" + round + "-", threads, random, false);
      List<Callable<Optional<Claim>>> claimers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Backlog mine = facade();
        String owner = "w" + t;
        claimers.add(() -> mine.claimOne(owner, LONG_TTL));
      }
      List<Optional<Claim>> results = runTogether(claimers);
      long won = results.stream().filter(Optional::isPresent).count();
      assertEquals(
          threads,
          won,
          "round " + round + ": a claimer got nothing while claimable cards remained");
      assertEquals(
          threads,
          results.stream().map(o -> o.orElseThrow().card().id()).distinct().count(),
          "round " + round + ": two claimers got the same card");
      assertEquals(
          0,
          backlog.stats().claimable(),
          "round " + round + ": a claimable card was left unclaimed");
      assertEquals(
          Optional.empty(),
          backlog.claimOne("late", LONG_TTL),
          "round " + round + ": a late claimer must find nothing once every card is held");
    }
    auditEvents(allEvents());
  }

  @Test
  void racingBatchClaimersEachGetTheirFullBatchOfDistinctCards() throws Exception {
    int threads = sizes().threads();
    int batch = 3;
    Random random = new Random(2);
    for (int round = 0; round < Math.max(1, sizes().rounds() / 2); round++) {
      createCards("b" + round + "-", threads * batch, random, false);
      List<Callable<List<Claim>>> claimers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Backlog mine = facade();
        ClaimRequest request = ClaimRequest.builder("w" + t).ttl(LONG_TTL).limit(batch).build();
        claimers.add(() -> mine.claim(request));
      }
      List<List<Claim>> results = runTogether(claimers);
      for (List<Claim> claims : results) {
        assertEquals(
            batch,
            claims.size(),
            "round " + round + ": a batch claimer was short-changed: " + results);
      }
      assertEquals(
          threads * batch,
          results.stream().flatMap(List::stream).map(c -> c.card().id()).distinct().count(),
          "round " + round + ": a card was claimed twice");
      assertEquals(
          List.of(),
          backlog.claim(ClaimRequest.builder("late").limit(batch).build()),
          "round " + round + ": a late batch claimer must find nothing once every card is held");
    }
    auditEvents(allEvents());
  }

  @Test
  void racingWorkersDrainTheBacklogWithEveryCardDoneExactlyOnceAndAttemptsExact() throws Exception {
    int cards = sizes().cards();
    createCards("d", cards, new Random(3), true);
    Map<CardId, LeaseToken> holders = new ConcurrentHashMap<>();
    Map<CardId, AtomicInteger> claimsSeen = new ConcurrentHashMap<>();
    Map<CardId, AtomicInteger> completions = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    AtomicLong releases = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    List<Callable<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < sizes().threads(); t++) {
      Backlog mine = facade();
      String owner = "worker-" + t;
      workers.add(
          new DrainWorker(
              mine,
              owner,
              LONG_TTL,
              cards,
              done,
              holders,
              claimsSeen,
              completions,
              releases,
              failures));
    }
    runTogether(workers);

    List<Card> all = backlog.list(CardQuery.ALL);
    assertEquals(cards, all.size());
    for (Card card : all) {
      assertEquals(CardStatus.DONE, card.status(), () -> card.id() + " was not drained");
      assertEquals(
          1, completions.get(card.id()).get(), () -> card.id() + " must be completed exactly once");
      assertEquals(
          claimsSeen.get(card.id()).get(),
          card.attempts(),
          () -> card.id() + ": attempts must equal the claims that were handed out");
    }
    List<Event> events = allEvents();
    Map<CardId, Integer> claimEvents = auditEvents(events);
    long totalClaims = claimsSeen.values().stream().mapToInt(AtomicInteger::get).sum();
    assertEquals(
        totalClaims,
        claimEvents.values().stream().mapToInt(Integer::intValue).sum(),
        "one claimed event per claim handed out");
    assertEquals(
        cards + totalClaims + cards + releases.get() + failures.get(),
        events.size(),
        "one event per mutation: creates, claims, completions, releases and failures");
    assertEquals(cards, events.stream().filter(e -> e.type() == EventType.COMPLETED).count());
    long coalescedClaims = backlog.coalescingStats().claims().calls();
    assertEquals(
        coalescing(),
        coalescedClaims >= totalClaims,
        "with coalescing on, every claim goes through the group commit; off, none does: "
            + backlog.coalescingStats());
  }

  @Test
  void racingRenewalsCompletionsAndReclaimsNeverLetAStaleLeaseWin() throws Exception {
    int cards = Math.max(sizes().threads(), sizes().cards() / 2);
    createCards("f", cards, new Random(4), false);
    Duration ttl = Duration.ofSeconds(10);
    Map<CardId, LeaseToken> completedWith = new ConcurrentHashMap<>();
    Map<CardId, AtomicInteger> claimsSeen = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger refusedStaleTokens = new AtomicInteger();
    List<Callable<Void>> workers = new ArrayList<>();
    for (int t = 0; t < sizes().threads(); t++) {
      Backlog mine = facade();
      String owner = "worker-" + t;
      workers.add(
          new StaleLeaseWorker(
              mine, owner, clock, ttl, cards, done, claimsSeen, completedWith, refusedStaleTokens));
    }
    runTogether(workers);

    for (Card card : backlog.list(CardQuery.ALL)) {
      assertEquals(CardStatus.DONE, card.status(), () -> card.id() + " was not drained");
      assertEquals(
          claimsSeen.get(card.id()).get(),
          card.attempts(),
          () -> card.id() + ": attempts must equal the claims that were handed out");
    }
    List<Event> events = allEvents();
    Map<CardId, Integer> claimEvents = auditEvents(events);
    for (Event e : events) {
      if (e.type() == EventType.COMPLETED) {
        assertEquals(
            completedWith.get(e.cardId()),
            e.leaseToken(),
            () ->
                "the completion of "
                    + e.cardId()
                    + " must carry the token of the worker that saw it succeed");
      }
    }
    claimsSeen.forEach(
        (id, n) -> assertEquals(n.get(), claimEvents.get(id), () -> "claimed events of " + id));
    assertEquals(cards, completedWith.size());
    assertTrue(
        refusedStaleTokens.get() > 0, "the race must have presented stale tokens at least once");
  }

  @Test
  void racingTransactionsOfSeveralOperationsKeepTheEventStreamGapFree() throws Exception {
    int threads = sizes().threads();
    int perThread = Math.max(1, sizes().cards() / threads);
    CyclicBarrier barrier = new CyclicBarrier(threads);
    List<Callable<Integer>> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Backlog mine = facade();
      int thread = t;
      writers.add(
          () -> {
            barrier.await(30, TimeUnit.SECONDS);
            int committed = 0;
            for (int i = 0; i < perThread; i++) {
              String id = "t" + thread + "-" + i;
              boolean rollBack = i % 5 == 4;
              try {
                mine.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder(id).title(id).build());
                      tx.block(CardId.of(id), "hold");
                      tx.unblock(CardId.of(id));
                      if (rollBack) {
                        throw new IllegalStateException("roll back");
                      }
                      return null;
                    });
                committed++;
              } catch (IllegalStateException e) {
                assertTrue(rollBack, "only the deliberate rollbacks may fail");
              }
            }
            return committed;
          });
    }
    int committed = runTogether(writers).stream().mapToInt(Integer::intValue).sum();
    List<Event> events = allEvents();
    auditEvents(events);
    assertEquals(
        committed * 3L,
        events.size(),
        "three events per committed transaction, none from rollbacks");
    assertEquals(committed, backlog.list(CardQuery.ALL).size());
    Map<CardId, List<EventType>> perCard = new HashMap<>();
    events.forEach(e -> perCard.computeIfAbsent(e.cardId(), k -> new ArrayList<>()).add(e.type()));
    perCard.forEach(
        (id, types) ->
            assertEquals(
                List.of(EventType.CREATED, EventType.BLOCKED, EventType.UNBLOCKED),
                types,
                () -> "events of " + id + " out of order"));
    for (int t = 0; t < threads; t++) {
      for (int i = 4; i < perThread; i += 5) {
        assertTrue(
            backlog.find(CardId.of("t" + t + "-" + i)).isEmpty(),
            "a rolled-back card must not exist");
      }
    }
  }

  @Test
  void aReaderPagingBySeqWhileWritersCommitNeverMissesAnEvent() throws Exception {
    int writers = Math.max(1, sizes().threads() - 1);
    int perWriter = Math.max(1, sizes().cards() / writers);
    AtomicInteger finished = new AtomicInteger();
    List<Callable<Long>> tasks = new ArrayList<>();
    for (int t = 0; t < writers; t++) {
      Backlog mine = facade();
      int writer = t;
      tasks.add(
          () -> {
            try {
              for (int i = 0; i < perWriter; i++) {
                String id = "e" + writer + "-" + i;
                mine.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder(id).title(id).build());
                      return tx.block(CardId.of(id), null);
                    });
              }
            } finally {
              finished.incrementAndGet();
            }
            return 0L;
          });
    }
    Backlog reader = facade();
    boolean gapFree = seqsAreGapFree();
    List<Long> seenSeqs = java.util.Collections.synchronizedList(new ArrayList<>());
    tasks.add(
        () -> {
          long last = 0;
          while (true) {
            boolean writersDone = finished.get() == writers;
            List<Event> page = reader.events(EventQuery.after(last, 7));
            for (Event e : page) {
              if (gapFree) {
                assertEquals(
                    last + 1,
                    e.seq(),
                    "a reader paging by seq skipped an event that committed later");
              } else {
                assertTrue(
                    e.seq() > last, "a reader paging by seq got seq " + e.seq() + " after " + last);
              }
              seenSeqs.add(e.seq());
              last = e.seq();
            }
            if (page.isEmpty() && writersDone) {
              return (long) seenSeqs.size();
            }
          }
        });
    List<Long> results = runTogether(tasks);
    long seen = results.get(results.size() - 1);
    assertEquals(2L * writers * perWriter, seen, "the reader must have seen every committed event");
    assertEquals(
        allEvents().stream().map(Event::seq).toList(),
        seenSeqs,
        "the reader saw exactly the seqs of the whole log, none skipped");
  }
}
