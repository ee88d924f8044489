package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.backlog.core.InvalidTransitionException;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.BacklogStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * What every group of {@link BacklogStoreContract} shares: the test's clock, store and backlog, and
 * the helpers the scenarios are written with. Each group (claim, DAG, leases and fencing, …) is an
 * abstract subclass in its own file and runs as a {@code @Nested} class of the contract, so a
 * failing store's report reads by area. A group does not open a store of its own: before each test
 * it takes the fixtures the contract's own {@code @BeforeEach} has just opened (JUnit runs the
 * outer class's callbacks first), and it asks the contract for the store author's hooks.
 *
 * <p>Not thread-safe; the test engine creates one instance per test.
 */
abstract class ContractGroup {

  /** The lease length used when a test does not care. */
  static final Duration TTL = BacklogStoreContract.TTL;

  private final BacklogStoreContract contract;

  /** The clock of the current test. */
  MutableClock clock;

  /** The store of the current test. */
  BacklogStore store;

  /** The backlog over {@link #store} (sweep disabled, default attempt limit 3). */
  Backlog backlog;

  /** A group of {@code contract}'s tests; {@code contract} is the enclosing test instance. */
  ContractGroup(BacklogStoreContract contract) {
    this.contract = contract;
  }

  /** Takes the fixtures the contract opened for this test. */
  @BeforeEach
  final void takeTheContractsFixtures() {
    clock = contract.clock;
    store = contract.store;
    backlog = contract.backlog;
  }

  /** The store author's answer, see {@link StoreContractSupport#seqsAreGapFree()}. */
  final boolean seqsAreGapFree() {
    return contract.seqsAreGapFree();
  }

  /** Another backlog over the test's store, see {@link StoreContractSupport#backlogOver}. */
  final Backlog backlogOver(BacklogStore store, InstantSource clock, int defaultMaxAttempts) {
    return contract.backlogOver(store, clock, defaultMaxAttempts);
  }

  // ---------------------------------------------------------------- helpers
  static CardId id(String value) {
    return CardId.of(value);
  }

  Card create(String id) {
    return backlog.create(NewCard.builder(id).title("card " + id).build());
  }

  Card create(String id, int priority) {
    return backlog.create(NewCard.builder(id).title("card " + id).priority(priority).build());
  }

  Card createDependent(String id, String... deps) {
    return backlog.create(NewCard.builder(id).title("card " + id).dependsOn(deps).build());
  }

  Optional<Claim> claim(String owner) {
    return backlog.claimOne(owner, TTL);
  }

  Claim claimCard(String owner, String card) {
    List<Claim> claims = backlog.claim(ClaimRequest.builder(owner).ttl(TTL).card(id(card)).build());
    assertEquals(
        1, claims.size(), () -> "claiming " + card + " by id should succeed, got " + claims);
    return claims.get(0);
  }

  Card card(String id) {
    return backlog.get(id(id));
  }

  List<Event> allEvents() {
    return backlog.events(EventQuery.after(0, EventQuery.MAX_LIMIT));
  }

  List<EventType> eventTypes() {
    return allEvents().stream().map(Event::type).toList();
  }

  List<String> ids(List<Card> cards) {
    return cards.stream().map(c -> c.id().value()).toList();
  }

  List<String> claimedIds(List<Claim> claims) {
    return claims.stream().map(c -> c.card().id().value()).toList();
  }

  List<String> claimable() {
    return ids(backlog.list(new CardQuery(null, null, true, CardQuery.MAX_LIMIT)));
  }

  /** Asserts that the action is refused and that neither cards nor events changed. */
  <X extends Throwable> X assertRefusedWithoutChange(Class<X> type, Executable action) {
    List<Card> before = backlog.list(CardQuery.ALL);
    int events = allEvents().size();
    X refused = assertThrows(type, action);
    assertEquals(
        before, backlog.list(CardQuery.ALL), "a refused operation must not change any card");
    assertEquals(events, allEvents().size(), "a refused operation must not write an event");
    return refused;
  }

  void assertInvalidTransition(CardStatus current, Executable action) {
    InvalidTransitionException e =
        assertRefusedWithoutChange(InvalidTransitionException.class, action);
    assertEquals(current, e.current(), "the exception must carry the card's current status");
    assertTrue(
        e.getMessage().contains(current.wireName()),
        () ->
            "the message must name the current status '"
                + current.wireName()
                + "': "
                + e.getMessage());
  }

  LeaseLostException assertLeaseLost(CardStatus status, Executable action) {
    LeaseLostException e = assertRefusedWithoutChange(LeaseLostException.class, action);
    assertEquals(status, e.status(), "the exception must carry the card's current status");
    return e;
  }

  Backlog second() {
    return backlogOver(store, clock, Backlog.DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * Runs the tasks at once on their own threads (released together) and returns their results in
   * order.
   */
  static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch ready = new CountDownLatch(tasks.size());
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
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
}
