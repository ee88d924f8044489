package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import dev.backlog.jdbc.internal.CardRows;
import dev.backlog.jdbc.internal.H2Dialect;
import dev.backlog.jdbc.internal.NamedSql;
import dev.backlog.jdbc.internal.PostgresStatements;
import dev.backlog.jdbc.internal.SqlValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figure behind keeping the claim/complete hot path on prepared JDBC statements: the same
 * single-card claim + complete transactions, on the same JDBI handle's connection, run as plain
 * statements ({@link NamedSql} + {@link SqlValue}) and as JDBI statements (parsed, bound and mapped
 * by JDBI), in alternating rounds. It prints the rates and asserts only that every round did its
 * work. Run it with {@code mvn -B -o -pl backlog-jdbc -am verify
 * -Dtest=JdbiVersusPlainStatementsTest -Dsurefire.failIfNoSpecifiedTests=false}; docs/storage.md
 * quotes its output.
 */
@Tag("slow")
class JdbiVersusPlainStatementsTest {

  private static final int ROUNDS = 3;
  private static final int PER_ROUND = 500;

  /**
   * Transactions of each kind run first, unmeasured, so that both paths are compiled by the JIT.
   */
  private static final int WARM_UP = 200;

  private static final String COMPLETE_H2 =
      "UPDATE cards SET status = 'done', lease_owner = NULL, lease_token = NULL,"
          + " lease_claimed_at = NULL, lease_expires_at = NULL, version = version + 1, updated_at = :at"
          + " WHERE id = :id AND lease_token = :token";

  @Test
  void claimAndCompleteThroughJdbiAndThroughPlainStatementsSideBySideOnH2() throws Exception {
    String url = "jdbc:h2:mem:jdbi-vs-plain;DB_CLOSE_DELAY=-1";
    JdbcBacklogStore.builder().url(url).build().close();
    measure("H2 (in memory)", Jdbi.create(url), false);
  }

  @Test
  void claimAndCompleteThroughJdbiAndThroughPlainStatementsSideBySideOnPostgres() throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    JdbcBacklogStore.builder().url(url).build().close();
    measure("PostgreSQL (embedded)", Jdbi.create(url), true);
  }

  private static void measure(String name, Jdbi jdbi, boolean postgres) throws SQLException {
    try (Handle h = jdbi.open()) {
      h.execute(
          "INSERT INTO cards (id, title, priority, status, attempts, created_at, updated_at, version,"
              + " unmet_deps) SELECT 'c' || x, 'card', 0, 'ready', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0 FROM "
              + (postgres ? "generate_series(1, " : "SYSTEM_RANGE(1, ")
              + (2 * (ROUNDS * PER_ROUND + WARM_UP) + 10)
              + ") t (x)");
      if (postgres) {
        // Without waiting for the log flush, so that the client's time per statement shows rather
        // than the disk's.
        h.execute("SET synchronous_commit = off");
      }
      Connection c = h.getConnection();
      StringBuilder report =
          new StringBuilder("claim+complete, one card per transaction, " + name + ":");
      for (int round = 0; round <= ROUNDS; round++) {
        int n = round == 0 ? WARM_UP : PER_ROUND;
        for (boolean viaJdbi : new boolean[] {false, true}) {
          long start = System.nanoTime();
          for (int i = 0; i < n; i++) {
            c.setAutoCommit(false);
            Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Object[] claimed = postgres ? claimPostgres(h, viaJdbi) : claimH2(h, viaJdbi, at);
            complete(h, viaJdbi, postgres, (String) claimed[0], (Long) claimed[1], at);
            c.commit();
            c.setAutoCommit(true);
          }
          double perSecond = n / ((System.nanoTime() - start) / 1e9);
          if (round == 0) {
            continue;
          }
          report.append(
              String.format(
                  Locale.ROOT,
                  " round %d %s %.0f/s;",
                  round,
                  viaJdbi ? "JDBI" : "plain",
                  perSecond));
        }
      }
      System.out.println(report);
      assertEquals(
          2 * (ROUNDS * PER_ROUND + WARM_UP),
          h.createQuery("SELECT COUNT(*) FROM cards WHERE status = 'done'")
              .mapTo(Integer.class)
              .one());
    }
  }

  private static final NamedSql PG_CLAIM =
      NamedSql.compile(
          PostgresStatements.claimSql(new PostgresStatements.ClaimKey(true, false, false, false)));
  private static final NamedSql H2_WINDOW = NamedSql.compile(H2Dialect.windowSql(false));
  private static final NamedSql H2_PROBE = NamedSql.compile(H2Dialect.probeSql(false));
  private static final NamedSql H2_TAKE = NamedSql.compile(H2Dialect.takeSql(false));
  private static final NamedSql H2_COMPLETE = NamedSql.compile(COMPLETE_H2);

  private static Object[] claimPostgres(Handle h, boolean viaJdbi) throws SQLException {
    if (viaJdbi) {
      return h.createQuery(PG_CLAIM.named())
          .bind("owner", SqlValue.of("w"))
          .bind("ttlMicros", SqlValue.of(60_000_000L))
          .bind("now", SqlValue.of((Instant) null))
          .bind("leasePhase", SqlValue.of((String) null))
          .bind("leaseAttributes", SqlValue.of((String) null))
          .map(CardRows.CARD)
          .map(card -> new Object[] {card.id().value(), card.lease().token().value()})
          .one();
    }
    try (PreparedStatement ps = PG_CLAIM.prepare(h.getConnection())) {
      PG_CLAIM
          .binder(ps)
          .set("owner", "w")
          .set("ttlMicros", 60_000_000L)
          .set("now", (Instant) null)
          .set("leasePhase", (String) null)
          .set("leaseAttributes", (String) null);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Object[] {rs.getString("id"), rs.getLong("lease_token")};
      }
    }
  }

  private static Object[] claimH2(Handle h, boolean viaJdbi, Instant at) throws SQLException {
    Instant expires = at.plusSeconds(60);
    if (viaJdbi) {
      List<String> window =
          h.createQuery(H2_WINDOW.named()).bind("w", SqlValue.of(32)).mapTo(String.class).list();
      String id = window.get(0);
      h.createQuery(H2_PROBE.named()).bind("id", SqlValue.of(id)).mapTo(String.class).one();
      return h.createQuery(H2_TAKE.named())
          .bind("id", SqlValue.of(id))
          .bind("owner", SqlValue.of("w"))
          .bind("at", SqlValue.of(at))
          .bind("expires", SqlValue.of(expires))
          .bind("leasePhase", SqlValue.of((String) null))
          .bind("leaseAttributes", SqlValue.of((String) null))
          .map(CardRows.CARD)
          .map(card -> new Object[] {card.id().value(), card.lease().token().value()})
          .one();
    }
    Connection c = h.getConnection();
    String id;
    try (PreparedStatement ps = H2_WINDOW.prepare(c)) {
      H2_WINDOW.binder(ps).set("w", 32);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getString(1);
      }
    }
    try (PreparedStatement ps = H2_PROBE.prepare(c)) {
      H2_PROBE.binder(ps).set("id", CardId.of(id));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
    }
    try (PreparedStatement ps = H2_TAKE.prepare(c)) {
      H2_TAKE
          .binder(ps)
          .set("id", CardId.of(id))
          .set("owner", "w")
          .set("at", at)
          .set("expires", expires)
          .set("leasePhase", (String) null)
          .set("leaseAttributes", (String) null);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Object[] {id, CardRows.card(rs).lease().token().value()};
      }
    }
  }

  private static void complete(
      Handle h, boolean viaJdbi, boolean postgres, String id, long token, Instant at)
      throws SQLException {
    NamedSql sql = postgres ? PostgresStatements.COMPLETE_HELD : H2_COMPLETE;
    if (viaJdbi) {
      if (postgres) {
        h.createQuery(sql.named())
            .bind("id", SqlValue.of(id))
            .bind("token", SqlValue.of(token))
            .bind("now", SqlValue.of((Instant) null))
            .bind("evidence", SqlValue.of((String) null))
            .map(CardRows.CARD)
            .one();
      } else {
        assertEquals(
            1,
            h.createUpdate(sql.named())
                .bind("id", SqlValue.of(id))
                .bind("token", SqlValue.of(token))
                .bind("at", SqlValue.of(at))
                .execute());
      }
      return;
    }
    try (PreparedStatement ps = sql.prepare(h.getConnection())) {
      NamedSql.Binder b = sql.binder(ps).set("id", id).set("token", LeaseToken.of(token));
      if (postgres) {
        b.set("now", (Instant) null).set("evidence", (String) null);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
        }
      } else {
        b.set("at", at);
        assertEquals(1, ps.executeUpdate());
      }
    }
  }
}
