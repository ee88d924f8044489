package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.internal.PostgresStatements;
import dev.backlog.jdbc.internal.PostgresStatements.ClaimKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The PostgreSQL claim path: its plan, its behaviour under many threads, and long-poll wake-ups.
 */
class PostgresClaimTest {

  @Test
  void aDependentsCounterThatLeavesItUnclaimableIsAHotUpdateAndTheLastOneIsNot() throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    try (Backlog backlog =
        Backlog.builder().store(JdbcBacklogStore.builder().url(url).build()).build()) {
      backlog.create(NewCard.builder("A").title("a").build());
      backlog.create(NewCard.builder("B").title("b").build());
      backlog.create(
          NewCard.builder("C")
              .title("c")
              .dependsOn(List.of(CardId.of("A"), CardId.of("B")))
              .build());
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      // The counters the completions of A and then B write; pg_stat_xact_* counts this
      // transaction's updates.
      s.executeUpdate("UPDATE cards SET unmet_deps = unmet_deps - 1 WHERE id = 'C'");
      assertEquals(
          List.of(1L, 1L), updates(s), "2 -> 1 changes no indexed column: updated in place");
      s.executeUpdate("UPDATE cards SET unmet_deps = unmet_deps - 1 WHERE id = 'C'");
      assertEquals(
          List.of(2L, 1L), updates(s), "1 -> 0 makes the card claimable: new index entries");
      try (ResultSet rs = s.executeQuery("SELECT claimable FROM cards WHERE id = 'C'")) {
        assertTrue(rs.next() && rs.getBoolean(1), "the stored flag follows the counter");
      }
      c.rollback();
    }
  }

  /** Updates of {@code cards} in this transaction so far, and how many of them were HOT. */
  private static List<Long> updates(Statement s) throws Exception {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
                + " WHERE relid = CAST('cards' AS regclass)")) {
      assertTrue(rs.next(), "no statistics row for cards");
      return List.of(rs.getLong(1), rs.getLong(2));
    }
  }

  @Test
  void theClaimStatementUsesThePartialIndexOnTheClaimableSetAtOneHundredThousandCards()
      throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    JdbcBacklogStore.builder().url(url).build().close();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // 100,000 cards, nearly all done; 500 claimable.
      s.execute(
          "INSERT INTO cards (id, title, phase, priority, status, attempts, created_at, updated_at, version,"
              + " unmet_deps) SELECT 'c' || g, 'card ' || g, 'p' || (g % 4), g % 7,"
              + " CASE WHEN g % 200 = 0 THEN 'ready' ELSE 'done' END, 0, now(), now(), 1, 0"
              + " FROM generate_series(1, 100000) g");
      s.execute("ANALYZE cards");
      for (int variant = 0; variant < 4; variant++) {
        boolean byPhase = variant % 2 == 1;
        String claim =
            PostgresStatements.claimSql(new ClaimKey(false, variant >= 2, byPhase, false));
        String sql =
            "EXPLAIN "
                + claim
                    .replace(":limit", "1")
                    .replace(":owner", "'w'")
                    .replace(":ttlMicros", "1000000")
                    .replace(":now", "NULL")
                    .replace(":leasePhase", "NULL")
                    .replace(":leaseAttributes", "NULL")
                    .replace(":stripe", "0")
                    .replace(":txKey", "NULL")
                    .replace(":phase", "'p0'");
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        String index = byPhase ? "cards_claimable_by_phase" : "cards_claimable";
        assertTrue(plan.toString().contains("Index Scan using " + index + " "), plan.toString());
        assertFalse(plan.toString().contains("Seq Scan on cards"), plan.toString());
      }
      // A one-card claim has LIMIT 1 in its text so that PostgreSQL can settle on a generic plan
      // instead of
      // planning every execution: that generic plan must use the index too.
      s.execute("SET plan_cache_mode = force_generic_plan");
      for (int variant = 0; variant < 2; variant++) {
        String claim =
            PostgresStatements.claimSql(new ClaimKey(true, variant == 1, false, false))
                .replace(":owner", "$1")
                .replace(":ttlMicros", "$2")
                .replace(":now", "$3")
                .replace(":leasePhase", "NULL")
                .replace(":leaseAttributes", "NULL")
                .replace(":stripe", "0")
                .replace(":txKey", "NULL");
        s.execute("PREPARE one_card" + variant + " (varchar, bigint, timestamptz) AS " + claim);
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs =
            s.executeQuery("EXPLAIN EXECUTE one_card" + variant + " ('w', 1000000, NULL)")) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        assertTrue(plan.toString().contains("Index Scan using cards_claimable "), plan.toString());
        assertFalse(plan.toString().contains("Seq Scan on cards"), plan.toString());
      }
    }
  }

  /**
   * A completion names its card by id; the lease-expiry index covers only claimed cards, so it is
   * small and the planner liked it for a completion that said {@code status = 'claimed'}: it then
   * read every held lease (and the index's dead entries) to find one card, more work with every
   * worker. The held-lease completion must find the card by its primary key, in the generic plan it
   * settles on too.
   */
  @Test
  void theHeldLeaseCompletionFindsItsCardByPrimaryKeyNotThroughTheLeaseExpiryIndex()
      throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    JdbcBacklogStore.builder().url(url).build().close();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // 100,000 ready cards, analyzed before any is claimed (as a fresh backlog is), then 20
      // claimed.
      s.execute(
          "INSERT INTO cards (id, title, priority, status, attempts, created_at, updated_at, version,"
              + " unmet_deps) SELECT 'c' || g, 'card ' || g, 0, 'ready', 0, now(), now(), 1, 0"
              + " FROM generate_series(1, 100000) g");
      s.execute("ANALYZE cards");
      s.execute(
          "UPDATE cards SET status = 'claimed', lease_owner = 'w', lease_token = 1,"
              + " lease_claimed_at = now(), lease_expires_at = now() + INTERVAL '1 hour'"
              + " WHERE id IN (SELECT 'c' || (g * 5000) FROM generate_series(1, 20) g)");
      String complete =
          PostgresStatements.COMPLETE_HELD
              .named()
              .replace(":now", "$1")
              .replace(":id", "$2")
              .replace(":token", "$3")
              .replace(":evidence", "NULL");
      s.execute("PREPARE held (timestamptz, varchar, bigint) AS " + complete);
      s.execute("SET plan_cache_mode = force_generic_plan");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE held (NULL, 'c5000', 1)")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      assertTrue(
          plan.toString().contains("Index Scan using cards_pkey on cards k"), plan.toString());
      assertFalse(plan.toString().contains("cards_lease_expiry"), plan.toString());
    }
  }

  /**
   * Claims and completions change indexed columns, so each writes new index entries; the unique
   * index on idempotency keys takes entries only for cards that have a key, and still refuses a
   * second card with the same key.
   */
  @Test
  void theIdempotencyKeyIndexCoversOnlyCardsWithAKeyAndStillRefusesADuplicateKey()
      throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    JdbcBacklogStore.builder().url(url).build().close();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      String insert =
          "INSERT INTO cards (id, title, priority, status, attempts, created_at, updated_at,"
              + " version, unmet_deps, idempotency_key) VALUES ('%s', 't', 0, 'ready', 0, now(),"
              + " now(), 1, 0, %s)";
      s.execute(String.format(insert, "a", "NULL"));
      s.execute(String.format(insert, "b", "NULL"));
      s.execute(String.format(insert, "c", "'k'"));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                  + " AND indexname = 'cards_idempotency_key_unique'")) {
        assertTrue(rs.next(), "the index is there");
        assertTrue(
            rs.getString(1).contains("UNIQUE") && rs.getString(1).contains("IS NOT NULL"),
            rs.getString(1));
      }
      java.sql.SQLException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.sql.SQLException.class, () -> s.execute(String.format(insert, "d", "'k'")));
      assertEquals("23505", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("cards_idempotency_key_unique"), e.getMessage());
    }
  }

  /**
   * The claim statement writes its events' expiry in SQL; it must read exactly as {@code
   * Instant.toString()}.
   */
  @Test
  void theClaimStatementWritesInstantsExactlyAsJavaDoes() throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    List<java.time.Instant> instants =
        List.of(
            java.time.Instant.EPOCH,
            java.time.Instant.parse("2026-11-24T01:02:03Z"),
            java.time.Instant.parse("2026-11-24T01:02:03.100Z"),
            java.time.Instant.parse("2026-11-24T01:02:03.120Z"),
            java.time.Instant.parse("2026-11-24T01:02:03.123Z"),
            java.time.Instant.parse("2026-11-24T01:02:03.000001Z"),
            java.time.Instant.parse("2026-11-24T01:02:03.123450Z"),
            java.time.Instant.parse("2026-11-24T23:59:59.999999Z"),
            java.time.Instant.parse("0999-02-28T00:00:00.010Z"),
            java.time.Instant.parse("2400-02-29T12:00:00.000100Z"));
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // A session time zone far from UTC must not show through.
      s.execute("SET TIME ZONE 'Asia/Kathmandu'");
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + PostgresStatements.isoInstantSql("t.x")
                  + " FROM (SELECT CAST(? AS TIMESTAMPTZ) AS x) t")) {
        for (java.time.Instant instant : instants) {
          ps.setObject(1, java.time.OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC));
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(instant.toString(), rs.getString(1));
          }
        }
      }
    }
  }

  @Test
  void aBatchClaimReturnsCardsInClaimOrderWithIncreasingTokens() {
    try (JdbcBacklogStore store = TestStores.postgres(null);
        Backlog backlog = Backlog.builder().store(store).build()) {
      for (int i = 0; i < 20; i++) {
        backlog.create(NewCard.builder("c" + i).title("card " + i).priority(i % 4).build());
      }
      List<Claim> claims = backlog.claim(ClaimRequest.builder("w").limit(8).build());
      assertEquals(8, claims.size());
      for (int i = 1; i < claims.size(); i++) {
        assertTrue(claims.get(i - 1).card().priority() >= claims.get(i).card().priority());
        assertTrue(
            claims.get(i - 1).token().compareTo(claims.get(i).token()) < 0,
            "tokens follow claim order");
      }
    }
  }

  @Test
  void aTransactionSendsOneNotificationHoweverManyCardsItChanges() throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build();
        Backlog backlog = Backlog.builder().store(store).build();
        Connection listen = DriverManager.getConnection(url)) {
      try (Statement s = listen.createStatement()) {
        s.execute("LISTEN backlog_change");
      }
      backlog.inTransaction(
          tx -> {
            for (int i = 0; i < 50; i++) {
              tx.create(NewCard.builder("c" + i).title("card " + i).build());
            }
            return null;
          });
      PGNotification[] first = listen.unwrap(PGConnection.class).getNotifications(5_000);
      assertEquals(1, first.length);
      PGNotification[] more = listen.unwrap(PGConnection.class).getNotifications(300);
      assertEquals(0, more == null ? 0 : more.length);
    }
  }

  @Test
  void aLongPollingClaimWakesWhenAnotherProcessAddsWork() throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    try (JdbcBacklogStore waiterStore = JdbcBacklogStore.builder().url(url).build();
        JdbcBacklogStore otherStore = JdbcBacklogStore.builder().url(url).build();
        Backlog waiter = Backlog.builder().store(waiterStore).build();
        Backlog other = Backlog.builder().store(otherStore).build()) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<List<Claim>> claim =
            pool.submit(
                () ->
                    waiter.claim(
                        ClaimRequest.builder("w").maxWait(Duration.ofSeconds(30)).build()));
        Thread.sleep(500);
        long start = System.nanoTime();
        other.create(NewCard.builder("late").title("late work").build());
        List<Claim> claims = claim.get(20, TimeUnit.SECONDS);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of(CardId.of("late")), claims.stream().map(c -> c.card().id()).toList());
        assertTrue(waited < 5_000, "woke after " + waited + " ms");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  @Tag("slow")
  void thirtyTwoThreadsDrainTenThousandCardsWithoutADoubleClaim() throws Exception {
    int threads = 32;
    int cards = 10_000;
    String url = TestPostgres.freshSchemaUrl();
    try (JdbcBacklogStore store =
            JdbcBacklogStore.builder().url(url).maxPoolSize(threads + 2).build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      try (Connection c = DriverManager.getConnection(url);
          PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO cards (id, title, priority, status, attempts, created_at, updated_at, version, unmet_deps)"
                      + " SELECT 'c' || g, 'card ' || g, g % 5, 'ready', 0, now(), now(), 1, 0"
                      + " FROM generate_series(1, ?) g")) {
        ps.setInt(1, cards);
        ps.executeUpdate();
      }
      Set<String> claimed = ConcurrentHashMap.newKeySet();
      AtomicInteger doubles = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String owner = "w" + t;
        futures.add(
            pool.submit(
                () -> {
                  int mine = 0;
                  while (true) {
                    List<Claim> got =
                        backlog.claim(
                            ClaimRequest.builder(owner).limit(t(owner) % 2 == 0 ? 1 : 4).build());
                    if (got.isEmpty()) {
                      return mine;
                    }
                    for (Claim claim : got) {
                      if (!claimed.add(claim.card().id().value())) {
                        doubles.incrementAndGet();
                      }
                      backlog.complete(claim.card().id(), claim.token());
                      mine++;
                    }
                  }
                }));
      }
      int total = 0;
      for (Future<Integer> f : futures) {
        total += f.get(10, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertEquals(0, doubles.get(), "no card was claimed twice");
      assertEquals(cards, total);
      assertEquals(cards, claimed.size());
      assertEquals(
          cards,
          backlog.list(new CardQuery(CardStatus.DONE, null, false, CardQuery.MAX_LIMIT)).size());
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT COUNT(*), COUNT(DISTINCT card_id), MAX(seq) FROM events"
                      + " WHERE type = 'completed'")) {
        rs.next();
        assertEquals(cards, rs.getInt(1));
        assertEquals(cards, rs.getInt(2));
      }
    }
  }

  private static int t(String owner) {
    return Integer.parseInt(owner.substring(1));
  }
}
