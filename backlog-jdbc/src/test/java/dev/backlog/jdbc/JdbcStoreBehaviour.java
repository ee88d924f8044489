package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.NewCard;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.UnknownDependencyException;
import dev.backlog.jdbc.internal.Dialect;
import dev.backlog.jdbc.internal.Migrator;
import dev.backlog.tck.MutableClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Behaviour specific to the JDBC store, beyond the backlog-tck contracts: commit-ordered event
 * numbering, dependency counters and their repair, forward references, the database clock,
 * migrations and error reporting. Subclasses name the database.
 */
abstract class JdbcStoreBehaviour {

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** A URL of a fresh, empty database (or schema). */
  protected abstract String freshUrl();

  /**
   * Whether the database is PostgreSQL: there seqs come from a sequence (a rolled-back transaction
   * leaves a gap, and a lower seq may commit after a higher one, which readers wait for); on H2 seq
   * order is commit order, without gaps.
   */
  protected boolean postgres() {
    return false;
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  protected JdbcBacklogStore open(String url, InstantSource clock) {
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder().url(url);
    if (clock != null) {
      builder.clock(clock);
    }
    JdbcBacklogStore store = builder.build();
    opened.add(store);
    return store;
  }

  protected Backlog backlog(JdbcBacklogStore store) {
    Backlog backlog = Backlog.builder().store(store).closeStore(false).build();
    opened.add(backlog);
    return backlog;
  }

  /**
   * One coalesced transaction of a kind at a time on H2, whose transactions serialize at commit;
   * the backlog's default on PostgreSQL.
   */
  @Test
  void theStoreStatesHowManyCoalescedTransactionsRunWellSideBySide() {
    JdbcBacklogStore store = open(freshUrl(), null);
    assertEquals(postgres() ? Backlog.DEFAULT_COALESCED_IN_FLIGHT : 1, store.coalescedInFlight());
  }

  protected static void sql(String url, String statement) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement + ": " + e.getMessage(), e);
    }
  }

  protected static long count(String url, String query) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(query + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the card in a transaction on the pool, numbers its event ({@code writtenEvents} seals
   * it), counts {@code sealed} down and keeps the transaction open until {@code release} is counted
   * down.
   */
  private static Future<List<Event>> createAndHoldOpen(
      JdbcBacklogStore store,
      ExecutorService pool,
      String id,
      CountDownLatch sealed,
      CountDownLatch release) {
    return pool.submit(
        () ->
            store.inTransaction(
                tx -> {
                  tx.create(card(id), id.toLowerCase(Locale.ROOT));
                  List<Event> written = tx.writtenEvents();
                  sealed.countDown();
                  try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return written;
                }));
  }

  private static NewCard card(String id, String... deps) {
    return NewCard.builder(id).title("card " + id).dependsOn(deps).build();
  }

  // ------------------------------------------------------------------ events

  @Test
  void aTransactionThatTakesItsSeqsFirstCommitsFirstSoAPagingReaderNeverSkipsAnEvent()
      throws Exception {
    Assumptions.assumeFalse(
        postgres(),
        "on PostgreSQL writers do not wait for each other's seqs; the test"
            + " below shows that readers wait instead");
    String url = freshUrl();
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    CountDownLatch sealed = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // A takes seq 1 and holds its transaction open.
      Future<List<Event>> a = createAndHoldOpen(store, pool, "A", sealed, release);
      assertTrue(sealed.await(30, TimeUnit.SECONDS));
      // B does its work now, but can only number its event after A committed.
      Future<Card> b = pool.submit(() -> backlog.create(card("B")));
      Thread.sleep(400);
      assertFalse(b.isDone(), "B must wait for A before it takes a seq and commits");
      assertEquals(List.of(), backlog.events(EventQuery.after(0, 100)), "nothing is committed yet");
      release.countDown();
      assertEquals(1, a.get(30, TimeUnit.SECONDS).get(0).seq());
      b.get(30, TimeUnit.SECONDS);
      List<Event> all = backlog.events(EventQuery.after(0, 100));
      assertEquals(List.of(1L, 2L), all.stream().map(Event::seq).toList());
      assertEquals(
          List.of("A", "B"),
          all.stream().map(e -> e.cardId().value()).toList(),
          "seq order is commit order");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aTransactionWithALowerSeqThatCommitsAfterOneWithAHigherSeqIsNeverSkippedByAPagingReader()
      throws Exception {
    Assumptions.assumeTrue(
        postgres(),
        "on H2 seq order is commit order, so a lower seq cannot commit after a"
            + " higher one; the test above shows that");
    String url = freshUrl();
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    backlog.create(card("Z"));
    long before = backlog.events(EventQuery.after(0, 100)).get(0).seq();
    CountDownLatch sealed = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      // A draws the lower seq and holds its transaction open.
      Future<List<Event>> a = createAndHoldOpen(store, pool, "A", sealed, release);
      assertTrue(sealed.await(30, TimeUnit.SECONDS));
      // B draws a higher seq and commits first: writers do not wait for each other.
      Card b = pool.submit(() -> backlog.create(card("B"))).get(30, TimeUnit.SECONDS);
      assertEquals("B", b.id().value());
      assertEquals(
          1,
          count(url, "SELECT COUNT(*) FROM events WHERE card_id = 'B'"),
          "B committed while A is open");
      // A reader paging from the last event it saw must not return B's seq while A's lower one is
      // open.
      Future<List<Event>> page = pool.submit(() -> backlog.events(EventQuery.after(before, 100)));
      Thread.sleep(400);
      assertFalse(
          page.isDone(), "the reader waits for the open transaction that holds a lower seq");
      release.countDown();
      long seqA = a.get(30, TimeUnit.SECONDS).get(0).seq();
      List<Event> seen = page.get(30, TimeUnit.SECONDS);
      assertEquals(
          List.of("A", "B"),
          seen.stream().map(e -> e.cardId().value()).toList(),
          "the reader sees both events, the one committed later first, because it has the lower seq");
      assertEquals(seqA, seen.get(0).seq());
      assertTrue(seen.get(0).seq() < seen.get(1).seq(), "in seq order: " + seen);
      assertEquals(
          seen,
          backlog.events(EventQuery.after(before, 100)),
          "a second read returns the same page");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aWriterDrawsNoSeqWhileAReaderHoldsTheEventFence() throws Exception {
    Assumptions.assumeTrue(
        postgres(), "on H2 seqs come from the commit-ordered counter row, without a fence");
    String url = freshUrl();
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    backlog.create(card("A"));
    long drawn = count(url, "SELECT pg_sequence_last_value('event_seq')");
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // The reader holds the fence until its transaction ends.
      Future<List<Event>> reader =
          pool.submit(
              () ->
                  store.inTransaction(
                      tx -> {
                        List<Event> page = tx.events(EventQuery.after(0, 10));
                        reading.countDown();
                        try {
                          assertTrue(release.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                          throw new IllegalStateException(e);
                        }
                        return page;
                      }));
      assertTrue(reading.await(30, TimeUnit.SECONDS));
      Future<Card> writer = pool.submit(() -> backlog.create(card("B")));
      Thread.sleep(400);
      assertFalse(writer.isDone(), "the writer waits for the fence before it draws a seq");
      assertEquals(
          drawn,
          count(url, "SELECT pg_sequence_last_value('event_seq')"),
          "the fence is taken before the sequence is drawn");
      release.countDown();
      assertEquals(1, reader.get(30, TimeUnit.SECONDS).size());
      writer.get(30, TimeUnit.SECONDS);
      assertEquals(
          List.of("A", "B"),
          backlog.events(EventQuery.after(0, 10)).stream().map(e -> e.cardId().value()).toList());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aTransactionWritingMoreEventsThanOneSealStatementHoldsNumbersThemAllInOrder() {
    JdbcBacklogStore store = open(freshUrl(), null);
    Backlog backlog = backlog(store);
    int cards = 1_205;
    List<Event> written =
        store.inTransaction(
            tx -> {
              for (int i = 0; i < cards; i++) {
                tx.create(card(String.format(java.util.Locale.ROOT, "c%05d", i)), "bulk");
              }
              return tx.writtenEvents();
            });
    assertEquals(cards, written.size());
    List<Event> read = backlog.events(EventQuery.after(0, EventQuery.MAX_LIMIT));
    assertEquals(
        written.subList(0, Math.min(cards, read.size())),
        read,
        "the log holds what the transaction wrote");
    for (int i = 1; i < written.size(); i++) {
      assertTrue(
          written.get(i).seq() > written.get(i - 1).seq(),
          "seqs increase in the order of the events");
      assertTrue(
          written.get(i).cardId().compareTo(written.get(i - 1).cardId()) > 0,
          "events keep their order");
    }
    assertEquals(cards, backlog.stats().count(CardStatus.READY));
  }

  @Test
  void readingEventsOnADataSourceWithRepeatableReadIsRefusedWithTheFix() {
    Assumptions.assumeTrue(
        postgres(),
        "H2 numbers events in commit order; the fence and its isolation need are"
            + " PostgreSQL's");
    String url = freshUrl();
    open(url, null).close();
    com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
    ds.setJdbcUrl(url);
    ds.setMaximumPoolSize(2);
    ds.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
    opened.add(ds);
    Backlog backlog = backlog(open(url, null));
    backlog.create(card("A"));
    Backlog repeatable = backlog(JdbcBacklogStore.builder().dataSource(ds).build());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> repeatable.events(EventQuery.after(0, 10)));
    assertTrue(
        e.getMessage().contains("READ COMMITTED") && e.getMessage().contains("repeatable read"),
        e.getMessage());
    assertEquals(1, backlog.events(EventQuery.after(0, 10)).size());
  }

  @Test
  void aReaderPagingBySeqWhileWritersCommitSeesEverySeqOnceWithoutGaps() throws Exception {
    JdbcBacklogStore store = open(freshUrl(), null);
    Backlog backlog = backlog(store);
    int writers = 4;
    int perWriter = 60;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    AtomicBoolean done = new AtomicBoolean();
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perWriter; i++) {
                  String id = "w" + writer + "-" + i;
                  if (i % 3 == 0) {
                    // Two events in one transaction.
                    backlog.inTransaction(
                        tx -> {
                          tx.create(card(id));
                          return tx.block(CardId.of(id), "later");
                        });
                  } else {
                    backlog.create(card(id));
                  }
                }
                return null;
              }));
    }
    List<Long> seen = new ArrayList<>();
    long after = 0;
    int expected = writers * (perWriter + (perWriter + 2) / 3);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (seen.size() < expected && System.nanoTime() < deadline) {
      for (Event e : backlog.events(EventQuery.after(after, 7))) {
        seen.add(e.seq());
        after = e.seq();
      }
    }
    for (Future<?> f : futures) {
      f.get(1, TimeUnit.MINUTES);
    }
    done.set(true);
    pool.shutdown();
    List<Long> all = new ArrayList<>();
    if (postgres()) {
      backlog.events(EventQuery.after(0, EventQuery.MAX_LIMIT)).forEach(e -> all.add(e.seq()));
      assertEquals(expected, all.size());
    } else {
      for (long s = 1; s <= expected; s++) {
        all.add(s);
      }
    }
    assertEquals(
        all,
        seen,
        "the reader saw every seq once, in order" + (postgres() ? "" : ", from 1 without gaps"));
  }

  @Test
  void aRolledBackTransactionLeavesNoEventsAndOnH2NoGapInTheSeqs() {
    JdbcBacklogStore store = open(freshUrl(), null);
    Backlog backlog = backlog(store);
    backlog.create(card("A"));
    assertThrows(
        IllegalStateException.class,
        () ->
            backlog.inTransaction(
                tx -> {
                  tx.create(card("B"));
                  tx.events(EventQuery.after(0, 10));
                  throw new IllegalStateException("abort after the seqs were taken");
                }));
    backlog.create(card("C"));
    List<Event> events = backlog.events(EventQuery.after(0, 10));
    assertEquals(List.of("A", "C"), events.stream().map(e -> e.cardId().value()).toList());
    if (postgres()) {
      assertTrue(events.get(0).seq() < events.get(1).seq(), "seqs increase: " + events);
    } else {
      assertEquals(List.of(1L, 2L), events.stream().map(Event::seq).toList());
    }
  }

  @Test
  void aDeadlockBetweenTwoTransactionsIsRetriedUntilBothSucceed() throws Exception {
    JdbcBacklogStore store = open(freshUrl(), null);
    Backlog backlog = backlog(store);
    for (String id : List.of("A", "B", "C", "D")) {
      backlog.create(card(id));
    }
    java.util.concurrent.CyclicBarrier bothHoldOneLock = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> one =
          pool.submit(
              () ->
                  store.inTransaction(
                      tx -> {
                        int run = runs.incrementAndGet();
                        tx.link(CardId.of("A"), CardId.of("C"), "one");
                        awaitFirstRun(bothHoldOneLock, run);
                        return tx.link(CardId.of("B"), CardId.of("C"), "one");
                      }));
      Future<?> two =
          pool.submit(
              () ->
                  store.inTransaction(
                      tx -> {
                        int run = runs.incrementAndGet();
                        tx.link(CardId.of("B"), CardId.of("D"), "two");
                        awaitFirstRun(bothHoldOneLock, run);
                        return tx.link(CardId.of("A"), CardId.of("D"), "two");
                      }));
      one.get(2, TimeUnit.MINUTES);
      two.get(2, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    assertTrue(
        runs.get() >= 3, "one transaction was re-run after the deadlock (" + runs.get() + " runs)");
    assertEquals(
        List.of(CardId.of("C"), CardId.of("D")),
        List.copyOf(backlog.find(CardId.of("A")).get().dependsOn()));
    assertEquals(
        List.of(CardId.of("C"), CardId.of("D")),
        List.copyOf(backlog.find(CardId.of("B")).get().dependsOn()));
    assertEquals(
        4,
        backlog.events(EventQuery.after(0, 100)).stream()
            .filter(e -> e.type() == EventType.LINKED)
            .count());
  }

  private static void awaitFirstRun(java.util.concurrent.CyclicBarrier barrier, int run) {
    if (run > 2) {
      return;
    }
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ dependency counters

  @Test
  void aCardMayDependOnACardCreatedLaterInTheSameTransaction() {
    JdbcBacklogStore store = open(freshUrl(), null);
    Backlog backlog = backlog(store);
    backlog.inTransaction(
        tx -> {
          tx.create(card("B", "A"));
          return tx.create(card("A"));
        });
    List<Claim> first = backlog.claim(ClaimRequest.builder("w").limit(10).build());
    assertEquals(List.of("A"), first.stream().map(c -> c.card().id().value()).toList());
    backlog.complete(CardId.of("A"), first.get(0).token());
    List<Claim> second = backlog.claim(ClaimRequest.builder("w").limit(10).build());
    assertEquals(List.of("B"), second.stream().map(c -> c.card().id().value()).toList());
    assertEquals(0, store.recount(), "the counters were right all along");
  }

  @Test
  void aDependencyThatNeverAppearsRollsTheWholeTransactionBack() {
    String url = freshUrl();
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    UnknownDependencyException e =
        assertThrows(
            UnknownDependencyException.class,
            () ->
                backlog.inTransaction(
                    tx -> {
                      tx.create(card("A"));
                      return tx.create(card("B", "A", "ghost"));
                    }));
    assertEquals("B", e.card().value());
    assertEquals(List.of(CardId.of("ghost")), List.copyOf(e.missing()));
    assertEquals(0, count(url, "SELECT COUNT(*) FROM cards"));
    assertEquals(0, count(url, "SELECT COUNT(*) FROM card_deps"));
    assertEquals(0, count(url, "SELECT COUNT(*) FROM events"));
    assertEquals(
        0,
        count(
            url,
            postgres()
                ? "SELECT COALESCE(pg_sequence_last_value('event_seq'), 0)"
                : "SELECT last_seq FROM event_counter"),
        "no seq was drawn");
  }

  @Test
  void completionReopenLinkUnlinkAndForcedCompletionKeepTheCountersRight() {
    String url = freshUrl();
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    backlog.create(card("A"));
    backlog.create(card("B"));
    backlog.create(card("C", "A", "B"));
    backlog.create(card("D", "C"));
    assertEquals(2, unmet(url, "C"));
    backlog.forceComplete(CardId.of("A"));
    assertEquals(1, unmet(url, "C"));
    backlog.unlink(CardId.of("C"), CardId.of("B"));
    assertEquals(0, unmet(url, "C"));
    assertClaimable(backlog, "B", "C");
    backlog.link(CardId.of("C"), CardId.of("B"));
    assertEquals(1, unmet(url, "C"));
    backlog.reopen(CardId.of("A"));
    assertEquals(2, unmet(url, "C"));
    backlog.link(CardId.of("D"), CardId.of("A"));
    assertEquals(2, unmet(url, "D"));
    Claim a = backlog.claim(ClaimRequest.builder("w").card(CardId.of("A")).build()).get(0);
    backlog.complete(CardId.of("A"), a.token());
    backlog.forceComplete(CardId.of("B"));
    assertEquals(0, unmet(url, "C"));
    assertEquals(1, unmet(url, "D"));
    assertClaimable(backlog, "C");
    assertEquals(0, store.recount());
    assertEquals(
        4, count(url, "SELECT SUM(n) FROM card_counts"), "stats come from the maintained counts");
    assertEquals(2, backlog.stats().count(CardStatus.DONE));
  }

  @Test
  void recountRepairsCountersEditedByHand() {
    String url = freshUrl();
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    backlog.create(card("A"));
    backlog.create(card("B", "A"));
    backlog.forceComplete(CardId.of("A"));
    sql(url, "UPDATE cards SET unmet_deps = 3 WHERE id = 'B'");
    sql(url, "UPDATE cards SET unmet_deps = 0 WHERE id = 'A'");
    sql(url, "UPDATE card_counts SET n = 40");
    assertClaimable(backlog);
    assertEquals(1, store.recount());
    assertClaimable(backlog, "B");
    assertEquals(2, backlog.stats().total(), "the status counts were rebuilt from the cards");
    assertEquals(1, backlog.stats().count(CardStatus.DONE));
    assertEquals(0, store.recount());
  }

  private static long unmet(String url, String id) {
    return count(url, "SELECT unmet_deps FROM cards WHERE id = '" + id + "'");
  }

  private static void assertClaimable(Backlog backlog, String... ids) {
    List<String> claimable =
        backlog.list(new CardQuery(null, null, true, 100)).stream()
            .map(c -> c.id().value())
            .sorted()
            .toList();
    assertEquals(List.of(ids), claimable);
  }

  // ------------------------------------------------------------------ the database clock

  @Test
  void leasesAreJudgedByTheDatabaseClockAndALateCompleteWithTheStaleTokenIsRefused()
      throws Exception {
    JdbcBacklogStore store = open(freshUrl(), null);
    Backlog slow =
        Backlog.builder().store(store).closeStore(false).sweepInterval(Duration.ZERO).build();
    opened.add(slow);
    slow.create(card("A"));
    Claim first =
        slow.claim(ClaimRequest.builder("slow").ttl(Duration.ofMillis(1_500)).build()).get(0);
    assertEquals(
        List.of(), slow.claim(ClaimRequest.builder("fast").build()), "the lease still holds");
    Thread.sleep(1_700);
    Claim second = slow.claim(ClaimRequest.builder("fast").build()).get(0);
    assertEquals("A", second.card().id().value());
    assertTrue(second.token().compareTo(first.token()) > 0, "tokens increase");
    LeaseLostException lost =
        assertThrows(LeaseLostException.class, () -> slow.complete(CardId.of("A"), first.token()));
    assertEquals(CardStatus.CLAIMED, lost.status());
    Card done = slow.complete(CardId.of("A"), second.token());
    assertEquals(CardStatus.DONE, done.status());
    List<EventType> types =
        slow.events(EventQuery.after(0, 100)).stream().map(Event::type).toList();
    assertEquals(
        List.of(
            EventType.CREATED,
            EventType.CLAIMED,
            EventType.RECLAIMED,
            EventType.CLAIMED,
            EventType.COMPLETED),
        types);
  }

  @Test
  void anInjectedClockDecidesExpiryInsteadOfTheDatabaseClock() {
    MutableClock clock = new MutableClock();
    JdbcBacklogStore store = open(freshUrl(), clock);
    Backlog backlog =
        Backlog.builder().store(store).clock(clock).closeStore(false).sweepInterval(null).build();
    opened.add(backlog);
    backlog.create(card("A"));
    Claim claim =
        backlog.claim(ClaimRequest.builder("w").ttl(Duration.ofMinutes(10)).build()).get(0);
    assertEquals(clock.instant(), claim.lease().claimedAt());
    clock.advance(Duration.ofMinutes(11));
    assertEquals(List.of(CardId.of("A")), backlog.reclaimExpired());
  }

  @Test
  void aLongPollingClaimWakesWhenAnotherStoreOnTheSameDatabaseAddsWork() throws Exception {
    String url = freshUrl();
    Backlog waiter = backlog(open(url, null));
    Backlog other = backlog(open(url, null));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<Claim>> claim =
          pool.submit(
              () ->
                  waiter.claim(ClaimRequest.builder("w").maxWait(Duration.ofSeconds(30)).build()));
      Thread.sleep(400);
      assertFalse(claim.isDone(), "nothing to claim yet");
      long start = System.nanoTime();
      other.create(card("late"));
      List<Claim> claims = claim.get(20, TimeUnit.SECONDS);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(List.of("late"), claims.stream().map(c -> c.card().id().value()).toList());
      assertTrue(waited < 5_000, "woke after " + waited + " ms");
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ migrations and errors

  @Test
  void manyStoresOpeningAFreshDatabaseAtOnceAllSucceedAndMigrateOnce() throws Exception {
    String url = freshUrl();
    int n = 6;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<JdbcBacklogStore>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(
          pool.submit(
              () -> {
                go.await();
                return JdbcBacklogStore.builder().url(url).maxPoolSize(2).build();
              }));
    }
    go.countDown();
    for (Future<JdbcBacklogStore> f : futures) {
      opened.add(f.get(2, TimeUnit.MINUTES));
    }
    pool.shutdown();
    assertEquals(latestVersion(), count(url, "SELECT COUNT(*) FROM backlog_schema_history"));
    backlog((JdbcBacklogStore) opened.get(0)).create(card("A"));
    assertEquals(1, count(url, "SELECT COUNT(*) FROM cards"));
  }

  /** The newest schema version this code knows (every dialect has the same versions). */
  private static int latestVersion() {
    List<Migrator.Migration> migrations = Migrator.load(Dialect.H2);
    assertEquals(
        migrations.size(),
        Migrator.load(Dialect.POSTGRESQL).size(),
        "both dialects have every version");
    return migrations.get(migrations.size() - 1).version();
  }

  @Test
  void aSchemaNewerThanTheCodeIsRefusedWithBothVersionsNamed() {
    String url = freshUrl();
    open(url, null).close();
    sql(
        url,
        "INSERT INTO backlog_schema_history (version, description, checksum, installed_at)"
            + " VALUES (7, 'from the future', 'x', CURRENT_TIMESTAMP)");
    StoreUnavailableException e =
        assertThrows(
            StoreUnavailableException.class, () -> JdbcBacklogStore.builder().url(url).build());
    assertTrue(e.getMessage().contains("schema version 7"), e.getMessage());
    assertTrue(e.getMessage().contains("version " + latestVersion() + " that"), e.getMessage());
  }

  @Test
  void aDatabaseAtSchemaVersion1MigratesAndKeepsItsEventsCountsAndSeqs() throws Exception {
    String url = freshUrl();
    Dialect dialect = postgres() ? Dialect.POSTGRESQL : Dialect.H2;
    Migrator.Migration v1 = Migrator.load(dialect).get(0);
    assertEquals(1, v1.version());
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE backlog_schema_history (version INTEGER NOT NULL PRIMARY KEY,"
              + " description VARCHAR(200) NOT NULL, checksum VARCHAR(64) NOT NULL,"
              + " installed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      for (String statement : v1.script().split(";\\s*\\n")) {
        String sql =
            statement
                .lines()
                .filter(l -> !l.strip().startsWith("--"))
                .reduce("", (x, y) -> x + y + "\n");
        if (!sql.isBlank()) {
          s.execute(sql.strip().replaceAll(";$", ""));
        }
      }
      s.execute(
          "INSERT INTO backlog_schema_history VALUES (1, '"
              + v1.description()
              + "', '"
              + v1.checksum()
              + "', CURRENT_TIMESTAMP)");
      // What version 1 of the store wrote: two cards, three events, their counts and the counter.
      s.execute(
          "INSERT INTO cards (id, title, priority, status, attempts, created_at, updated_at, version, unmet_deps)"
              + " VALUES ('A', 'a', 0, 'done', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 3, 0),"
              + " ('B', 'b', 0, 'ready', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0)");
      s.execute(
          "INSERT INTO events (seq, card_id, type, actor, at, data) VALUES"
              + " (1, 'A', 'created', 'x', CURRENT_TIMESTAMP, '{}'), (2, 'B', 'created', 'x', CURRENT_TIMESTAMP, '{}'),"
              + " (3, 'A', 'completed', 'x', CURRENT_TIMESTAMP, '{}')");
      s.execute(
          "INSERT INTO card_counts (status, phase, n) VALUES ('done', '', 1), ('ready', '', 1)");
      s.execute("UPDATE event_counter SET last_seq = 3 WHERE id = 1");
    }
    JdbcBacklogStore store = open(url, null);
    Backlog backlog = backlog(store);
    assertEquals(latestVersion(), count(url, "SELECT MAX(version) FROM backlog_schema_history"));
    assertEquals(1, backlog.stats().count(CardStatus.DONE));
    assertEquals(1, backlog.stats().count(CardStatus.READY));
    backlog.create(card("C"));
    Claim claim = backlog.claim(ClaimRequest.builder("w").card(CardId.of("B")).build()).get(0);
    backlog.complete(CardId.of("B"), claim.token());
    List<Event> events = backlog.events(EventQuery.after(0, 100));
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L),
        events.stream().map(Event::seq).toList(),
        "new events continue after the old ones");
    assertEquals(2, backlog.stats().count(CardStatus.DONE));
    assertEquals(1, backlog.stats().count(CardStatus.READY));
    assertEquals(3, backlog.stats().total());
    assertEquals(0, store.recount());
  }

  @Test
  void aScriptChangedAfterItWasAppliedIsRefused() {
    String url = freshUrl();
    open(url, null).close();
    sql(url, "UPDATE backlog_schema_history SET checksum = 'abc' WHERE version = 1");
    StoreUnavailableException e =
        assertThrows(
            StoreUnavailableException.class, () -> JdbcBacklogStore.builder().url(url).build());
    assertTrue(e.getMessage().contains("checksum abc"), e.getMessage());
  }

  @Test
  void reopeningAnUpToDateDatabaseKeepsItsContent() {
    String url = freshUrl();
    JdbcBacklogStore first = open(url, null);
    backlog(first).create(card("A"));
    first.close();
    JdbcBacklogStore second = open(url, null);
    Optional<Card> found = backlog(second).find(CardId.of("A"));
    assertTrue(found.isPresent());
    assertNull(found.get().lease());
  }

  @Test
  void describeNamesTheDatabaseWithoutSecrets() {
    JdbcBacklogStore store = open(freshUrl(), null);
    assertTrue(store.describe().startsWith("JDBC store ("), store.describe());
    assertFalse(store.describe().toLowerCase().contains("password="), store.describe());
  }
}
