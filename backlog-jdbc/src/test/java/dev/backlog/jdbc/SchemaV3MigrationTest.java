package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.backlog.core.LeaseToken;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.jdbc.internal.Dialect;
import dev.backlog.jdbc.internal.Migrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A database made by the previous release (schema version 3) with cards, edges, a held lease,
 * events and counts in it migrates to the scheduling-visibility schema and keeps working: nothing
 * is lost, no card is deferred, the held lease keeps its token and has an open run, and the new
 * operations work on the old rows.
 */
class SchemaV3MigrationTest {

  @Test
  void aVersion3H2DatabaseWithDataMigratesAndKeepsWorking() throws Exception {
    migrateVersion3("h2");
  }

  @Test
  void aVersion3PostgresDatabaseWithDataMigratesAndKeepsWorking() throws Exception {
    migrateVersion3("postgresql");
  }

  private static void migrateVersion3(String which) throws Exception {
    boolean pg = which.equals("postgresql");
    String url = pg ? TestPostgres.freshSchemaUrl() : "jdbc:h2:mem:v3" + UUID.randomUUID();
    Dialect dialect = pg ? Dialect.POSTGRESQL : Dialect.H2;
    // Keeps an in-memory H2 database alive between the connections below.
    try (Connection keep = DriverManager.getConnection(url)) {
      try (Statement s = keep.createStatement()) {
        s.execute(
            "CREATE TABLE backlog_schema_history (version INTEGER NOT NULL PRIMARY KEY,"
                + " description VARCHAR(200) NOT NULL, checksum VARCHAR(64) NOT NULL,"
                + " installed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
        for (Migrator.Migration m : Migrator.load(dialect).subList(0, 3)) {
          for (String statement : m.script().split(";\\s*\\n")) {
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
              "INSERT INTO backlog_schema_history VALUES ("
                  + m.version()
                  + ", '"
                  + m.description()
                  + "', '"
                  + m.checksum()
                  + "', CURRENT_TIMESTAMP)");
        }
        // What the version-3 store wrote: A done, B claimed by w1 (token 7, an hour left), C ready
        // and waiting for B, D ready; their events and counts.
        s.execute(
            "INSERT INTO cards (id, title, priority, status, attempts, lease_owner, lease_token,"
                + " lease_claimed_at, lease_expires_at, created_at, updated_at, version, unmet_deps)"
                + " VALUES ('A', 'a', 0, 'done', 1, NULL, NULL, NULL, NULL, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP, 3, 0),"
                + " ('B', 'b', 5, 'claimed', 1, 'w1', 7, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP + INTERVAL '1' HOUR, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 2, 0),"
                + " ('C', 'c', 9, 'ready', 0, NULL, NULL, NULL, NULL, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP, 2, 1),"
                + " ('D', 'd', 1, 'ready', 0, NULL, NULL, NULL, NULL, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP, 1, 0)");
        s.execute("INSERT INTO card_deps (card_id, depends_on) VALUES ('C', 'B')");
        s.execute(
            "INSERT INTO events (seq, card_id, type, actor, at, lease_token, data) VALUES"
                + " (1, 'A', 'created', 'x', CURRENT_TIMESTAMP, NULL, '{}'),"
                + " (2, 'B', 'created', 'x', CURRENT_TIMESTAMP, NULL, '{}'),"
                + " (3, 'C', 'created', 'x', CURRENT_TIMESTAMP, NULL, '{}'),"
                + " (4, 'D', 'created', 'x', CURRENT_TIMESTAMP, NULL, '{}'),"
                + " (5, 'A', 'completed', 'x', CURRENT_TIMESTAMP, NULL, '{}'),"
                + " (6, 'B', 'claimed', 'w1', CURRENT_TIMESTAMP, 7, '{}')");
        if (pg) {
          s.execute(
              "INSERT INTO card_counts (status, phase, stripe, n) VALUES"
                  + " ('done', '', 0, 1), ('claimed', '', 0, 1), ('ready', '', 0, 2)");
          s.execute("SELECT setval('event_seq', 6)");
          s.execute("SELECT setval('lease_tokens', 7)");
        } else {
          s.execute(
              "INSERT INTO card_counts (status, phase, n) VALUES"
                  + " ('done', '', 1), ('claimed', '', 1), ('ready', '', 2)");
          s.execute("UPDATE event_counter SET last_seq = 6 WHERE id = 1");
          s.execute("ALTER SEQUENCE lease_tokens RESTART WITH 8");
        }
      }
      try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build();
          Backlog backlog = Backlog.builder().store(store).closeStore(false).build()) {
        try (Statement s = keep.createStatement();
            ResultSet rs = s.executeQuery("SELECT MAX(version) FROM backlog_schema_history")) {
          rs.next();
          assertEquals(
              Migrator.load(dialect).size(), rs.getInt(1), "migrated to the latest version");
        }
        // Nothing lost, nothing deferred, the held lease intact with an open run.
        assertEquals(4, backlog.stats().total());
        assertEquals(0, backlog.stats().deferred());
        assertEquals(1, backlog.stats().claimable());
        Card b = backlog.get(CardId.of("B"));
        assertEquals(LeaseToken.of(7), b.lease().token());
        assertNull(b.lease().phase());
        assertTrue(b.lease().attributes().isEmpty());
        List<Run> runs = backlog.history(CardId.of("B"));
        assertEquals(1, runs.size());
        assertEquals("w1", runs.get(0).owner());
        assertNull(runs.get(0).outcome());
        for (Card card : backlog.list(dev.backlog.core.CardQuery.ALL)) {
          assertNull(card.notBefore(), card.id() + " is not deferred");
        }
        // The new operations work on the old rows.
        assertEquals(
            List.of("D"), backlog.queue(null, 10).stream().map(c -> c.id().value()).toList());
        backlog.deferFor(CardId.of("D"), Duration.ofHours(1));
        assertEquals(List.of(), backlog.queue(null, 10));
        backlog.complete(CardId.of("B"), LeaseToken.of(7), "{\"tests\":\"3 passed\"}");
        assertEquals(RunOutcome.COMPLETED, backlog.history(CardId.of("B")).get(0).outcome());
        Claim claim = backlog.claim(ClaimRequest.builder("w2").build()).get(0);
        assertEquals("C", claim.card().id().value());
        assertTrue(claim.token().value() > 7);
        List<Event> events = backlog.events(EventQuery.after(6, 100));
        assertEquals(7L, events.get(0).seq(), "new events continue after the old ones");
        assertEquals(CardStatus.DONE, backlog.get(CardId.of("B")).status());
        assertEquals(0, store.recount());
      }
    }
  }
}
