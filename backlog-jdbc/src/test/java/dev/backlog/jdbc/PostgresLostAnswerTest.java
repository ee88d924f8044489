package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.Outcome;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim or completion that is its transaction's only statement commits with the statement, in its
 * own round trip. These tests lose the answer to such a statement after the server committed it (a
 * proxy drops it and closes the connection) and check that the store's retry finds what the
 * statement did instead of doing it again: the caller gets the card the lost answer held, no card
 * is claimed twice or left leased to nobody, and a completion is not refused for having taken
 * effect. Two tests break the connection while the server still runs what was sent (a claim
 * statement, an explicit {@code COMMIT}) and check that the store's lookup waits for it; one loses
 * an answer while the server's side of the connection stays open, as in a network partition, and
 * checks that the lookup does not wait for the idle server process.
 */
class PostgresLostAnswerTest {

  private PgProxy proxy;
  private JdbcBacklogStore store;
  private Backlog backlog;

  private String url;

  @BeforeEach
  void open() throws Exception {
    url = TestPostgres.freshSchemaUrl();
    proxy = new PgProxy(url);
    store =
        JdbcBacklogStore.builder()
            .url(proxy.url())
            .maxPoolSize(2)
            .connectRetry(Duration.ofSeconds(30))
            .build();
    backlog = Backlog.builder().store(store).coalescing(false).sweepInterval(null).build();
    // Highest priority first: a claim takes "lost-1", then "lost-2", and so on.
    for (int i = 1; i <= 6; i++) {
      backlog.create(NewCard.builder("c" + i).title("lost-" + i).priority(100 - i).build());
    }
  }

  @AfterEach
  void close() throws Exception {
    backlog.close();
    proxy.close();
  }

  @Test
  void aClaimWhoseAnswerIsLostReturnsTheCardItClaimedAndClaimsNoOther() {
    proxy.loseAnswerHolding("lost-1");
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").build());

    assertEquals(1, proxy.lost(), "the claim's answer was lost");
    assertEquals(1, claims.size());
    Claim claim = claims.get(0);
    assertEquals(CardId.of("c1"), claim.card().id(), "the card the lost answer held");
    Card c1 = backlog.get(CardId.of("c1"));
    assertEquals(CardStatus.CLAIMED, c1.status());
    assertEquals(claim.token(), c1.lease().token());
    assertEquals(CardStatus.READY, backlog.get(CardId.of("c2")).status(), "no second card");
    List<Event> claimed = events(EventType.CLAIMED);
    assertEquals(1, claimed.size(), "one claim event");
    assertEquals(java.util.Optional.of(claim.token()), claimed.get(0).token());
    // The lease works: the caller completes it.
    assertEquals(CardStatus.DONE, backlog.complete(claim.card().id(), claim.token()).status());
  }

  @Test
  void aClaimWhoseAnswerIsLostInAPartitionIsLookedUpWithoutWaitingForTheIdleServerProcess() {
    // The server never hears that its client went: its process stays, idle, after the commit.
    proxy.loseAnswerKeepingTheServerSide("lost-1");
    long start = System.nanoTime();
    List<Claim> claims = backlog.claim(ClaimRequest.builder("w").build());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(1, proxy.lost(), "the claim's answer was lost");
    assertEquals(List.of("c1"), ids(claims), "the card the lost answer held");
    assertEquals(CardStatus.READY, backlog.get(CardId.of("c2")).status(), "no second card");
    assertEquals(1, events(EventType.CLAIMED).size(), "one claim event");
    // An idle process has no transaction open; waiting for it to end would take the full wait.
    assertTrue(
        took.compareTo(Duration.ofSeconds(10)) < 0,
        "the lookup waited for an idle server process: " + took);
  }

  @Test
  void aCompletionWhoseAnswerIsLostSucceedsOnce() {
    Claim claim = backlog.claim(ClaimRequest.builder("w").build()).get(0);
    proxy.loseAnswerHolding("lost-1");
    Card done = backlog.complete(claim.card().id(), claim.token());

    assertEquals(1, proxy.lost(), "the completion's answer was lost");
    assertEquals(CardStatus.DONE, done.status());
    assertEquals(CardStatus.DONE, backlog.get(CardId.of("c1")).status());
    assertEquals(1, events(EventType.COMPLETED).size(), "one completion event");
    assertEquals(1, backlog.history(CardId.of("c1")).size(), "one run");
  }

  @Test
  void aBatchOfClaimsWhoseAnswerIsLostGivesEachRequestItsCards() {
    List<ClaimRequest> requests =
        List.of(
            ClaimRequest.builder("a").build(),
            ClaimRequest.builder("b").limit(2).build(),
            ClaimRequest.builder("c").build());
    proxy.loseAnswerHolding("lost-1");
    List<Outcome<List<Claim>>> outcomes = store.inSingleOperation(tx -> tx.claimEach(requests));

    assertEquals(1, proxy.lost(), "the batch's answer was lost");
    assertEquals(List.of("c1"), ids(outcomes.get(0).get()));
    assertEquals(List.of("c2", "c3"), ids(outcomes.get(1).get()));
    assertEquals(List.of("c4"), ids(outcomes.get(2).get()));
    assertEquals("b", backlog.get(CardId.of("c3")).lease().owner());
    assertEquals(CardStatus.READY, backlog.get(CardId.of("c5")).status(), "no card claimed twice");
    assertEquals(4, events(EventType.CLAIMED).size(), "one claim event per card");
  }

  @Test
  void aBatchOfCompletionsWhoseAnswerIsLostCompletesEachOnceAndStillRefusesAStaleToken() {
    Claim first = backlog.claim(ClaimRequest.builder("w").build()).get(0);
    Claim second = backlog.claim(ClaimRequest.builder("w").build()).get(0);
    Claim third = backlog.claim(ClaimRequest.builder("w").build()).get(0);
    List<Completion> items =
        List.of(
            new Completion(first.card().id(), first.token(), null),
            new Completion(second.card().id(), LeaseToken.of(second.token().value() + 1000), null),
            new Completion(third.card().id(), third.token(), "{\"tests\":\"green\"}"));
    proxy.loseAnswerHolding("lost-1");
    List<Outcome<Card>> outcomes = store.inSingleOperation(tx -> tx.completeEach(items, "w"));

    assertEquals(1, proxy.lost(), "the batch's answer was lost");
    assertEquals(CardStatus.DONE, outcomes.get(0).get().status());
    assertNull(outcomes.get(1).value());
    assertEquals(LeaseLostException.class, outcomes.get(1).refusal().getClass());
    assertEquals(CardStatus.DONE, outcomes.get(2).get().status());
    assertEquals(CardStatus.CLAIMED, backlog.get(second.card().id()).status());
    assertEquals(2, events(EventType.COMPLETED).size(), "one completion event per done card");
    assertNotNull(backlog.history(third.card().id()).get(0).evidence(), "the evidence kept");
  }

  @Test
  void aClaimWhoseConnectionBreaksWhileTheServerStillRunsItIsLookedUpOnceItEnded()
      throws Exception {
    // The claim statement locks c1, then waits for the event fence, which this connection holds.
    try (Connection fence = DriverManager.getConnection(url);
        Statement st = fence.createStatement()) {
      st.execute("SELECT pg_advisory_lock(1651207271, hashtext(current_schema()))");
      claimsC1AcrossABrokenConnection(
          () -> backlog.claim(ClaimRequest.builder("w").build()),
          st,
          "SELECT pg_advisory_unlock(1651207271, hashtext(current_schema()))");
    }
  }

  @Test
  void aCommitWhoseConnectionBreaksWhileTheServerStillRunsItIsLookedUpOnceItEnded()
      throws Exception {
    // A transaction that claims commits explicitly. A deferred trigger makes its COMMIT wait for an
    // advisory lock that this connection holds.
    try (Connection holder = DriverManager.getConnection(url);
        Statement st = holder.createStatement()) {
      st.execute(
          "CREATE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN PERFORM pg_advisory_xact_lock(HOLD_COMMIT); RETURN NULL; END $$"
                  .replace("HOLD_COMMIT", Long.toString(HOLD_COMMIT)));
      st.execute(
          "CREATE CONSTRAINT TRIGGER hold_commit AFTER UPDATE ON cards"
              + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold_commit()");
      st.execute("SELECT pg_advisory_lock(" + HOLD_COMMIT + ")");
      claimsC1AcrossABrokenConnection(
          () -> backlog.inTransaction(tx -> tx.claim(ClaimRequest.builder("w").build())),
          st,
          "SELECT pg_advisory_unlock(" + HOLD_COMMIT + ")");
    }
  }

  /** The advisory lock the deferred trigger of the COMMIT test waits for. */
  private static final long HOLD_COMMIT = 7_305_117_001L;

  /**
   * Starts {@code claim}, waits until the server makes it wait for an advisory lock that {@code
   * holder} holds, breaks its connection, and runs {@code unlock} on {@code holder} once the store
   * has had time to retry. The caller must get c1, the card the first attempt took, and no second
   * card may be claimed.
   */
  private void claimsC1AcrossABrokenConnection(
      Callable<List<Claim>> claim, Statement holder, String unlock) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<Claim>> claimed = pool.submit(claim);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (waitingForTheFence(holder) == 0) {
        assertTrue(System.nanoTime() < deadline, "the claim never waited for the lock");
        Thread.sleep(5);
      }
      proxy.breakConnections();
      // The store retries at once; what it sent is still waiting on the server.
      Thread.sleep(500);
      holder.execute(unlock);
      List<Claim> claims = claimed.get(60, TimeUnit.SECONDS);

      assertEquals(1, claims.size());
      assertEquals(CardId.of("c1"), claims.get(0).card().id(), "the card the first attempt took");
      assertEquals(CardStatus.READY, backlog.get(CardId.of("c2")).status(), "no second card");
      assertEquals(1, events(EventType.CLAIMED).size(), "one claim event");
    } finally {
      pool.shutdownNow();
    }
  }

  private static int waitingForTheFence(Statement st) throws Exception {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND wait_event = 'advisory' AND pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private List<Event> events(EventType type) {
    return backlog.events(EventQuery.after(0, 1_000)).stream()
        .filter(e -> e.type() == type)
        .collect(Collectors.toList());
  }

  private static List<String> ids(List<Claim> claims) {
    return claims.stream().map(c -> c.card().id().value()).toList();
  }
}
