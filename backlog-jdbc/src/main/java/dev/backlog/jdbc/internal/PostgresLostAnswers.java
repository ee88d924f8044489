package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.spi.Completion;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what a PostgreSQL statement that committed on its own ({@link SoleStatement}) did, for the
 * next attempt of its transaction, from the events it wrote: a claim's carry the statement's key, a
 * completion's its card and lease token. Only events numbered above the statement's floor count, so
 * an older event never passes for the statement's. What is found is recorded in the session as the
 * statement's answer would have been (the written events, the time) and returned in the shape the
 * statement's caller expects; when nothing is found the statement did not commit, or committed a
 * change of nothing, and the caller runs it again. A lookup first waits for the server process that
 * ran the statement to end, so that the statement cannot commit after it.
 *
 * <p>Stateless and thread-safe.
 */
final class PostgresLostAnswers {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresLostAnswers.class);

  private static final int DEPS = CardRows.CARD_COLUMN_COUNT + 1;

  /**
   * The claim events of a statement by key, oldest first, each with its card while the claim still
   * holds it (the card's columns are null once its lease moved on).
   */
  static final NamedSql CLAIMED =
      NamedSql.compile(
          "SELECT "
              + CardRows.prefixed("k")
              + ", "
              + PostgresStatements.depsArray("k.id")
              + ", ev.seq, ev.card_id, ev.actor, ev.at, ev.lease_token, ev.data, ev.tx_key"
              + " FROM events ev LEFT JOIN cards k ON k.id = ev.card_id"
              + " AND k.status = 'claimed' AND k.lease_token = ev.lease_token"
              + " WHERE ev.seq > :floor AND ev.tx_key BETWEEN :low AND :high AND ev.type = 'claimed'"
              + " ORDER BY ev.seq");

  /** The completion events of the given leases above the floor, with their cards as they are. */
  static final NamedSql COMPLETED =
      NamedSql.compile(
          "SELECT "
              + CardRows.prefixed("k")
              + ", "
              + PostgresStatements.depsArray("k.id")
              + ", ev.seq, ev.actor, ev.at, ev.data, i.ord"
              + " FROM unnest(CAST(:ids AS VARCHAR[]), CAST(:tokens AS BIGINT[])) WITH ORDINALITY"
              + " AS i (id, token, ord)"
              + " JOIN events ev ON ev.card_id = i.id AND ev.lease_token = i.token"
              + " AND ev.type = 'completed' AND ev.seq > :floor"
              + " JOIN cards k ON k.id = ev.card_id");

  private PostgresLostAnswers() {}

  /**
   * Waits until the server process that ran {@code earlier} has ended or gone idle ({@link
   * PostgresServerProcess}), asking on the transaction's connection.
   */
  private static void awaitEnded(Session s, SoleStatement earlier) {
    try {
      PostgresServerProcess.awaitEnded(s.connection(), earlier.serverProcess(), s.where());
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /**
   * What a claim statement for {@code requests} requests claimed: one {@link SqlDialect.Claimed}
   * per request, in order, with the cards the claims still hold and every event the statement
   * wrote; null when it wrote none.
   */
  static List<SqlDialect.Claimed> claimed(Session s, SoleStatement earlier, int requests) {
    awaitEnded(s, earlier);
    // A single claim's events carry the key itself, a batch's request i (from 1) key + i.
    boolean batch = earlier.operation() == SoleStatement.Operation.CLAIM_EACH;
    long low = batch ? earlier.key() + 1 : earlier.key();
    long high = batch ? earlier.key() + requests : earlier.key();
    List<List<Card>> cards = new ArrayList<>(requests);
    List<Map<CardId, Event>> events = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      cards.add(new ArrayList<>());
      events.add(new HashMap<>());
    }
    int found =
        s.run(
            CLAIMED,
            b -> b.set("floor", earlier.eventFloor()).set("low", low).set("high", high),
            ps -> {
              int rows = 0;
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  rows++;
                  int at = (int) (rs.getLong(DEPS + 7) - low);
                  Event event =
                      new Event(
                          rs.getLong(DEPS + 1),
                          CardId.of(rs.getString(DEPS + 2)),
                          EventType.CLAIMED,
                          rs.getString(DEPS + 3),
                          CardRows.instant(rs, DEPS + 4),
                          LeaseToken.of(rs.getLong(DEPS + 5)),
                          rs.getString(DEPS + 6));
                  if (rs.getString(1) == null) {
                    // Claimed and committed, but the lease has moved on since: the claim is lost.
                    continue;
                  }
                  Card card = CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, DEPS);
                  cards.get(at).add(card);
                  events.get(at).put(card.id(), event);
                }
              }
              return rows;
            });
    if (found == 0) {
      return null;
    }
    LOG.info(
        "the answer to a claim statement on {} was lost; the event log shows it committed {}"
            + " claim(s)",
        s.where(),
        found);
    return PostgresClaimEach.perRequest(s, cards, events);
  }

  /**
   * What a completion statement for {@code items} (distinct cards) completed: one entry per item in
   * order, the card as it is now where the statement completed it, else empty; the events it wrote
   * are recorded as written. Null when it completed none.
   */
  static List<Optional<Card>> completed(Session s, SoleStatement earlier, List<Completion> items) {
    awaitEnded(s, earlier);
    int n = items.size();
    String[] ids = new String[n];
    Long[] tokens = new Long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = items.get(i).id().value();
      tokens[i] = items.get(i).token().value();
    }
    List<Optional<Card>> out = new ArrayList<>(n);
    List<Event> written = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Optional.empty());
    }
    Connection c = s.connection();
    s.run(
        COMPLETED,
        b ->
            b.set("ids", SqlValue.array(c, "varchar", ids))
                .set("tokens", SqlValue.array(c, "int8", tokens))
                .set("floor", earlier.eventFloor()),
        ps -> {
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              int at = rs.getInt(DEPS + 5) - 1;
              Card card = CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, DEPS);
              out.set(at, Optional.of(card));
              written.add(
                  new Event(
                      rs.getLong(DEPS + 1),
                      card.id(),
                      EventType.COMPLETED,
                      rs.getString(DEPS + 2),
                      CardRows.instant(rs, DEPS + 3),
                      items.get(at).token(),
                      rs.getString(DEPS + 4)));
            }
          }
          return null;
        });
    if (written.isEmpty()) {
      return null;
    }
    LOG.info(
        "the answer to a completion statement on {} was lost; the event log shows it completed {}"
            + " card(s)",
        s.where(),
        written.size());
    // In the order the statement numbered them, as its answer would have recorded them.
    written.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    Instant at = written.get(0).at();
    s.sawDatabaseTime(at);
    for (Event e : written) {
      s.written(e);
    }
    // A completion may have made dependents claimable; waking waiters for nothing is harmless.
    s.wakeWaiters();
    return out;
  }
}
