package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.EventData;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The set-based completion of a coalesced batch on PostgreSQL, in one statement, as the single
 * completion of a held lease is: every card of the batch whose lease the given token still holds
 * (claimed, this token, not expired) becomes done, its run ends, its {@code completed} event is
 * written (seqs drawn in the batch's order, behind the event fence taken shared) and the status
 * counts move; then the dependents of the completed cards are locked in id order and their counters
 * lowered. A card whose lease does not hold is left alone for the caller to refuse. When a card of
 * the batch depends on another card of the batch, the statement changes nothing (one statement
 * cannot update a row both as a completed card and as a dependent), and the caller goes card by
 * card.
 *
 * <p>Stateless and thread-safe.
 */
final class PostgresCompleteEach {

  static final NamedSql SQL =
      NamedSql.compile(
          "WITH "
              + PostgresStatements.NOW_CTE
              + ","
              + " i AS (SELECT * FROM unnest(CAST(:ids AS VARCHAR[]), CAST(:tokens AS BIGINT[]),"
              + " CAST(:evidence AS TEXT[]), CAST(:data AS TEXT[])) WITH ORDINALITY"
              + " AS i (id, token, evidence, data, ord)),"
              + " u AS (UPDATE cards k SET status = 'done', lease_owner = NULL, lease_token = NULL,"
              + " lease_claimed_at = NULL, lease_expires_at = NULL, version = k.version + 1,"
              + " updated_at = n.at FROM n, i WHERE k.id = i.id"
              + PostgresStatements.held("i.token")
              + " AND NOT EXISTS (SELECT 1 FROM card_deps e WHERE e.card_id = ANY (CAST(:ids AS"
              + " VARCHAR[])) AND e.depends_on = ANY (CAST(:ids AS VARCHAR[])))"
              + " RETURNING "
              + CardRows.prefixed("k")
              + ", i.ord AS req, i.token AS done_token, i.data AS done_data),"
              // The runs: from the rows as they were before this statement (every part of a
              // statement reads the same snapshot), once the update took them.
              + " r AS (INSERT INTO card_runs ("
              + PostgresStatements.RUN_COLUMNS
              + ") SELECT o.id, o.lease_token, o.lease_owner, o.lease_claimed_at, n.at, 'completed',"
              + " NULL, o.lease_phase, o.lease_attributes, i.evidence FROM cards o"
              + " JOIN i ON i.id = o.id AND i.token = o.lease_token, n"
              + " WHERE o.id IN (SELECT id FROM u)),"
              + " "
              + PostgresStatements.LOWER_DEPENDENTS
              + ","
              + " ev AS (INSERT INTO events ("
              + CardRows.EVENT_COLUMNS
              + ") SELECT nextval('event_seq'), o.id, 'completed', :actor, o.updated_at,"
              + " o.done_token, o.done_data FROM (SELECT * FROM u ORDER BY req) o"
              + PostgresStatements.FENCE_SHARED
              + " RETURNING seq, card_id),"
              + " "
              + PostgresStatements.completedCounts()
              + " SELECT u.*, "
              + PostgresStatements.depsArray("u.id")
              + ", ev.seq AS event_seq, (SELECT COUNT(*) FROM x WHERE x.claimable) AS unblocked"
              + " FROM u JOIN ev ON ev.card_id = u.id");

  private PostgresCompleteEach() {}

  /**
   * Completes the items (distinct cards) whose leases hold, writing their events as {@code actor};
   * one entry per item in the order given: the done card, or empty when its lease did not hold or
   * the batch links its own cards (nothing of the batch changed then).
   */
  static List<Optional<Card>> complete(Session s, List<Completion> items, String actor) {
    SoleStatement earlier = s.earlier(SoleStatement.Operation.COMPLETE_EACH);
    List<Optional<Card>> found =
        earlier == null ? null : PostgresLostAnswers.completed(s, earlier, items);
    if (found != null) {
      return found;
    }
    SoleStatement sole = s.soleStatement(SoleStatement.Operation.COMPLETE_EACH);
    int n = items.size();
    String[] ids = new String[n];
    Long[] tokens = new Long[n];
    String[] evidence = new String[n];
    String[] data = new String[n];
    for (int i = 0; i < n; i++) {
      Completion c = items.get(i);
      ids[i] = c.id().value();
      tokens[i] = c.token().value();
      evidence[i] = c.evidence();
      data[i] = EventData.completed(CardStatus.CLAIMED, false, c.evidence());
    }
    boolean readClock = s.readsDatabaseClock();
    Connection c = s.connection();
    List<Optional<Card>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Optional.empty());
    }
    long[] seqs = new long[n];
    long unblocked =
        s.run(
            SQL,
            b ->
                b.set("ids", SqlValue.array(c, "varchar", ids))
                    .set("tokens", SqlValue.array(c, "int8", tokens))
                    .set("evidence", SqlValue.array(c, "text", evidence))
                    .set("data", SqlValue.array(c, "text", data))
                    .set("now", readClock ? null : s.now())
                    .set("actor", actor)
                    .set("stripe", CountStripes.PROCESS.of(c)),
            ps -> {
              long woken = 0;
              try (ResultSet rs = ps.executeQuery()) {
                // The card's columns, req, done_token, done_data, deps, event_seq, unblocked.
                int req = CardRows.CARD_COLUMN_COUNT + 1;
                while (rs.next()) {
                  int at = rs.getInt(req) - 1;
                  out.set(
                      at,
                      Optional.of(
                          CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, req + 3)));
                  seqs[at] = rs.getLong(req + 4);
                  woken = rs.getLong(req + 5);
                }
              }
              return woken;
            },
            sole);
    for (int i = 0; i < n; i++) {
      Optional<Card> done = out.get(i);
      if (done.isEmpty()) {
        continue;
      }
      Card card = done.get();
      if (readClock) {
        s.sawDatabaseTime(card.updatedAt());
      }
      s.written(
          new Event(
              seqs[i],
              card.id(),
              EventType.COMPLETED,
              actor,
              card.updatedAt(),
              items.get(i).token(),
              data[i]));
    }
    if (unblocked > 0) {
      s.wakeWaiters();
    }
    return out;
  }
}
