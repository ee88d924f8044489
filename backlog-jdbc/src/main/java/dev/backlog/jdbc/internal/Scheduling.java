package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.EventType;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.core.spi.EventData;
import dev.backlog.core.spi.Transitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduling-visibility operations of one transaction: runs (the attempt history), deferrals,
 * updates of descriptive fields and the rank of a claimable card. Every database runs the same
 * statements here.
 *
 * <p>Not thread-safe: belongs to one {@link JdbcTransaction}.
 */
final class Scheduling {

  private static final NamedSql INSERT_RUN =
      NamedSql.compile(
          "INSERT INTO card_runs ("
              + PostgresStatements.RUN_COLUMNS
              + ") VALUES (:card, :token, :owner, :claimedAt, :endedAt, :outcome, :reason, :phase,"
              + " :attributes, :evidence)");
  private static final NamedSql RUNS =
      NamedSql.compile(
          "SELECT "
              + PostgresStatements.RUN_COLUMNS
              + " FROM card_runs WHERE card_id = :card ORDER BY lease_token");
  private static final NamedSql DEFERRALS_DUE =
      NamedSql.compile(
          "SELECT "
              + CardRows.CARD_COLUMNS
              + " FROM cards WHERE not_before <= :now ORDER BY id FOR UPDATE SKIP LOCKED");
  private static final NamedSql WRITE_FIELDS =
      NamedSql.compile(
          "UPDATE cards SET title = :title, body = :body, phase = :phase, priority = :priority,"
              + " acceptance = :acceptance, max_attempts = :maxAttempts WHERE id = :id");

  private final Session s;
  private final JdbcTransaction tx;
  private final SqlDialect dialect;

  /** The rank statement, compiled when first asked for (most transactions never rank a card). */
  private NamedSql rank;

  Scheduling(Session s, SqlDialect dialect, JdbcTransaction tx) {
    this.s = s;
    this.tx = tx;
    this.dialect = dialect;
  }

  /**
   * Two counts, each a range of the claim index (priority descending, then created_at and id): the
   * cards of a higher priority, and those of the same priority that come first.
   */
  private NamedSql rank() {
    if (rank == null) {
      rank =
          NamedSql.compile(
              "SELECT (SELECT COUNT(*) FROM cards WHERE "
                  + dialect.claimable()
                  + " AND priority > :priority) + (SELECT COUNT(*) FROM cards WHERE "
                  + dialect.claimable()
                  + " AND priority = :priority2 AND (created_at, id) < (:createdAt, :id))");
    }
    return rank;
  }

  /** Writes the run of the lease {@code before} held, ended now, when it held one. */
  void endRun(Card before, RunOutcome outcome, String reason, String evidence) {
    if (before.lease() == null) {
      return;
    }
    Instant at = tx.now();
    s.update(INSERT_RUN, b -> bindRun(b, before, at, outcome, reason, evidence));
  }

  /**
   * Writes the runs of the leases the cards {@code before} held, ended now with {@code outcome}, in
   * one batch of statements (one round trip).
   */
  void endRuns(List<Card> before, RunOutcome outcome) {
    List<Card> held = before.stream().filter(c -> c.lease() != null).toList();
    if (held.isEmpty()) {
      return;
    }
    if (held.size() == 1) {
      endRun(held.get(0), outcome, null, null);
      return;
    }
    Instant at = tx.now();
    s.batch(INSERT_RUN, held, (b, card) -> bindRun(b, card, at, outcome, null, null));
  }

  private static void bindRun(
      NamedSql.Binder b,
      Card before,
      Instant at,
      RunOutcome outcome,
      String reason,
      String evidence)
      throws java.sql.SQLException {
    Lease lease = before.lease();
    b.set("card", before.id())
        .set("token", lease.token())
        .set("owner", lease.owner())
        .set("claimedAt", lease.claimedAt())
        .set("endedAt", at)
        .set("outcome", outcome.wireName())
        .set("reason", reason)
        .set("phase", lease.phase())
        .set("attributes", lease.attributesJson())
        .set("evidence", evidence);
  }

  List<Run> history(CardId id) {
    Card card = tx.find(id).orElseThrow(() -> new CardNotFoundException(id));
    List<Run> runs =
        new ArrayList<>(
            s.rows(
                RUNS,
                b -> b.set("card", id),
                rs ->
                    new Run(
                        CardId.of(rs.getString("card_id")),
                        rs.getString("owner"),
                        LeaseToken.of(rs.getLong("lease_token")),
                        CardRows.instant(rs, "claimed_at"),
                        CardRows.instant(rs, "ended_at"),
                        RunOutcome.fromWire(rs.getString("outcome")),
                        rs.getString("reason"),
                        rs.getString("lease_phase"),
                        Lease.parseAttributes(rs.getString("lease_attributes")),
                        rs.getString("evidence"))));
    if (card.lease() != null) {
      runs.add(Run.open(id, card.lease()));
    }
    return runs;
  }

  Card defer(CardId id, Instant until, String actor) {
    Card card = tx.lock(id);
    Card next = Transitions.defer(card, until, tx.now());
    tx.write(card, next);
    s.event(next, EventType.DEFERRED, actor, null, EventData.deferred(until));
    return next;
  }

  Card undefer(CardId id, String actor) {
    Card card = tx.lock(id);
    Card next = Transitions.undefer(card, tx.now());
    if (next == card) {
      return card;
    }
    tx.write(card, next);
    s.wakeWaiters();
    s.event(next, EventType.UNDEFERRED, actor, null, EventData.undeferred(false));
    return next;
  }

  List<CardId> wakeDeferred(String actor) {
    Instant at = tx.now();
    List<Card> due = s.rows(DEFERRALS_DUE, b -> b.set("now", at), CardRows::card);
    if (due.isEmpty()) {
      return List.of();
    }
    List<CardId> woken = new ArrayList<>();
    for (Card card : s.withDependencies(due)) {
      Card next = Transitions.undefer(card, at);
      tx.write(card, next);
      s.event(next, EventType.UNDEFERRED, actor, null, EventData.undeferred(true));
      woken.add(card.id());
    }
    s.wakeWaiters();
    woken.sort(null);
    return woken;
  }

  Card update(CardId id, CardUpdate update, Long ifVersion, String actor) {
    Card card = tx.lock(id);
    Card next = Transitions.update(card, update, ifVersion, tx.now());
    if (next == card) {
      return card;
    }
    tx.write(card, next);
    s.update(
        WRITE_FIELDS,
        b ->
            b.set("title", next.title())
                .set("body", next.body())
                .set("phase", next.phase())
                .set("priority", next.priority())
                .set("acceptance", next.acceptance())
                .set("maxAttempts", next.maxAttempts())
                .set("id", next.id()));
    if (next.priority() != card.priority()) {
      s.wakeWaiters();
    }
    s.event(
        next, EventType.UPDATED, actor, null, EventData.updated(CardUpdate.changes(card, next)));
    return next;
  }

  long claimRank(Card card) {
    return s.rows(
                rank(),
                b ->
                    b.set("priority", card.priority())
                        .set("priority2", card.priority())
                        .set("createdAt", card.createdAt())
                        .set("id", card.id()),
                rs -> rs.getLong(1))
            .get(0)
        + 1;
  }
}
