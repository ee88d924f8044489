package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.Lease;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The set-based claim of a coalesced batch on PostgreSQL: one statement claims for several requests
 * that share a filter (the same phase or none, no card id). It locks {@code sum(limits)} claimable
 * cards in claim order, skipping rows other claimers hold, ranks them, and gives the first {@code
 * limit1} to the first request, the next {@code limit2} to the second and so on, each with its own
 * owner, TTL, lease phase and attributes; tokens (and, inline, event seqs) are drawn in claim
 * order. That is exactly what the requests would get claiming one after the other in queue order.
 *
 * <p>Stateless and thread-safe.
 */
final class PostgresClaimEach {

  /**
   * The largest total written into the statement as a constant {@code LIMIT}; larger totals bind
   * it. With the total a constant, PostgreSQL's plan cache settles on one generic plan for the
   * statement (a tenth of a millisecond to reuse) instead of planning it anew for every batch
   * (about a millisecond and a half, more than the statement's own work for a batch of four): a
   * generic plan of a bound {@code LIMIT} assumes a tenth of the claimable cards, which costs more
   * than any custom plan, so the cache never chooses it.
   */
  static final int MAX_CONSTANT_TOTAL = 32;

  /**
   * The statements, compiled on first use, by [inline events][by phase][total written into the
   * text, or 0 for a bound total].
   */
  private static final AtomicReferenceArray<NamedSql> STATEMENTS =
      new AtomicReferenceArray<>(4 * (MAX_CONSTANT_TOTAL + 1));

  private PostgresClaimEach() {}

  /**
   * The statement. Binds {@code :owners}, {@code :ttls} (micros), {@code :leasePhases}, {@code
   * :attributes} (JSON texts) and {@code :limits}, arrays with one element per request in queue
   * order; {@code :total}, the sum of the limits, unless {@code constantTotal} (when positive)
   * writes it into the text; {@code :now} (null for the database clock); and {@code :phase} when by
   * phase. Returns each claimed card with {@code deps} and {@code req} (the request's ordinal, from
   * 1); inline also {@code event_seq} and {@code event_data}, and the events carry {@code :txKey +
   * req} (null unless the statement commits on its own: {@link SoleStatement}).
   */
  static String sql(boolean inline, boolean byPhase, int constantTotal) {
    String order = "priority DESC, created_at, id";
    String ctes =
        "WITH r AS (SELECT q.*, SUM(q.lim) OVER (ORDER BY q.ord) AS hi FROM unnest("
            + "CAST(:owners AS VARCHAR[]), CAST(:ttls AS BIGINT[]), CAST(:leasePhases AS VARCHAR[]),"
            + " CAST(:attributes AS TEXT[]), CAST(:limits AS INT[])) WITH ORDINALITY"
            + " AS q (owner, ttl_micros, lease_phase, attributes, lim, ord)),"
            + " c AS (SELECT id, priority, created_at FROM cards WHERE claimable"
            + (byPhase ? " AND phase = :phase" : "")
            + " ORDER BY "
            + order
            + " LIMIT "
            + (constantTotal > 0 ? Integer.toString(constantTotal) : ":total")
            + " FOR UPDATE SKIP LOCKED),"
            // Tokens in claim order: PostgreSQL evaluates the volatile nextval after the sort.
            + " t AS (SELECT id, nextval('lease_tokens') AS token,"
            + " row_number() OVER (ORDER BY "
            + order
            + ") AS rn FROM c ORDER BY "
            + order
            + "),"
            // Card rn goes to the first request whose running total of limits reaches rn.
            + " a AS (SELECT t.id, t.token, r.owner, r.ttl_micros, r.lease_phase, r.attributes, r.ord"
            + " FROM t JOIN r ON r.hi >= t.rn AND r.hi - r.lim < t.rn), "
            + PostgresStatements.NOW_CTE;
    String update =
        "UPDATE cards k SET status = 'claimed', attempts = k.attempts + 1, lease_owner = a.owner,"
            + " lease_token = a.token, lease_claimed_at = n.at,"
            + " lease_expires_at = n.at + a.ttl_micros * INTERVAL '1 microsecond',"
            + " lease_phase = a.lease_phase, lease_attributes = a.attributes,"
            + " blocked_reason = NULL, version = k.version + 1, updated_at = n.at"
            + " FROM a, n WHERE k.id = a.id RETURNING "
            + CardRows.prefixed("k")
            + ", a.ord AS req";
    if (!inline) {
      return ctes + " " + update + ", " + PostgresStatements.depsArray("k.id");
    }
    return ctes
        + ", u AS ("
        + update
        + "),"
        + " ev AS (INSERT INTO events ("
        + CardRows.EVENT_COLUMNS
        + ", tx_key)"
        + " SELECT nextval('event_seq'), o.id, 'claimed', o.lease_owner, o.lease_claimed_at, o.lease_token, "
        + PostgresStatements.claimedDataSql(
            "CAST(o.lease_owner AS TEXT)",
            "o.lease_expires_at",
            "o.attempts",
            "o.lease_phase",
            "o.lease_attributes")
        + ", CAST(:txKey AS BIGINT) + o.req"
        + " FROM (SELECT * FROM u ORDER BY lease_token) o"
        + PostgresStatements.FENCE_SHARED
        + " RETURNING seq, card_id, data),"
        + " "
        + PostgresStatements.claimedCounts()
        + " SELECT u.*, "
        + PostgresStatements.depsArray("u.id")
        + ", ev.seq AS event_seq, ev.data AS event_data"
        + " FROM u JOIN ev ON ev.card_id = u.id";
  }

  /**
   * The total a batch claiming {@code total} cards in all writes into its statement's text, or 0
   * when the statement binds it as {@code :total}.
   */
  static int writtenTotal(int total) {
    return total > MAX_CONSTANT_TOTAL ? 0 : total;
  }

  /** The statement for a batch claiming {@code total} cards in all. */
  static NamedSql statement(boolean inline, boolean byPhase, int total) {
    int written = writtenTotal(total);
    int slot = ((inline ? 2 : 0) + (byPhase ? 1 : 0)) * (MAX_CONSTANT_TOTAL + 1) + written;
    NamedSql sql = STATEMENTS.get(slot);
    if (sql == null) {
      sql = NamedSql.compile(sql(inline, byPhase, written));
      STATEMENTS.compareAndSet(slot, null, sql);
    }
    return sql;
  }

  /**
   * Claims for {@code requests} (at least one; all with the same phase filter and no card id) in
   * one statement; one {@link SqlDialect.Claimed} per request, in the order given.
   */
  static List<SqlDialect.Claimed> claim(Session s, List<ClaimRequest> requests, boolean inline) {
    int n = requests.size();
    String phase = requests.get(0).phase();
    String[] owners = new String[n];
    Long[] ttls = new Long[n];
    String[] leasePhases = new String[n];
    String[] attributes = new String[n];
    Integer[] limits = new Integer[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      ClaimRequest r = requests.get(i);
      owners[i] = r.owner();
      ttls[i] = JdbcTransaction.micros(r.ttl());
      leasePhases[i] = r.leasePhase();
      attributes[i] = Lease.attributesJson(r.attributes());
      limits[i] = r.limit();
      total += r.limit();
    }
    int sum = total;
    List<List<Card>> cards = new ArrayList<>(n);
    List<Map<CardId, Event>> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      cards.add(new ArrayList<>(Math.min(requests.get(i).limit(), 64)));
      events.add(inline ? new HashMap<>() : Map.of());
    }
    if (inline) {
      SoleStatement earlier = s.earlier(SoleStatement.Operation.CLAIM_EACH);
      List<SqlDialect.Claimed> found =
          earlier == null ? null : PostgresLostAnswers.claimed(s, earlier, n);
      if (found != null) {
        return found;
      }
    }
    SoleStatement sole = inline ? s.soleStatement(SoleStatement.Operation.CLAIM_EACH) : null;
    Connection c = s.connection();
    NamedSql sql = statement(inline, phase != null, sum);
    s.run(
        sql,
        b -> {
          b.set("owners", SqlValue.array(c, "varchar", owners))
              .set("ttls", SqlValue.array(c, "int8", ttls))
              .set("leasePhases", SqlValue.array(c, "varchar", leasePhases))
              .set("attributes", SqlValue.array(c, "text", attributes))
              .set("limits", SqlValue.array(c, "int4", limits))
              .set("now", s.timeOrNull());
          if (writtenTotal(sum) == 0) {
            b.set("total", sum);
          }
          if (inline) {
            b.set("stripe", CountStripes.PROCESS.of(c))
                .set("txKey", sole == null ? null : sole.key());
          }
          if (phase != null) {
            b.set("phase", phase);
          }
        },
        ps -> {
          try (ResultSet rs = ps.executeQuery()) {
            // The card's columns, req, deps, then (inline) event_seq and event_data.
            int reqColumn = CardRows.CARD_COLUMN_COUNT + 1;
            while (rs.next()) {
              int req = rs.getInt(reqColumn) - 1;
              Card card = CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, reqColumn + 1);
              cards.get(req).add(card);
              if (inline) {
                events
                    .get(req)
                    .put(
                        card.id(),
                        new Event(
                            rs.getLong(reqColumn + 2),
                            card.id(),
                            EventType.CLAIMED,
                            card.lease().owner(),
                            card.lease().claimedAt(),
                            card.lease().token(),
                            rs.getString(reqColumn + 3)));
              }
            }
          }
          return null;
        },
        sole);
    return perRequest(s, cards, events);
  }

  /**
   * One {@link SqlDialect.Claimed} per request from the cards and events each request got, in
   * order; the transaction's time is the first claim's when the database clock decided it.
   */
  static List<SqlDialect.Claimed> perRequest(
      Session s, List<List<Card>> cards, List<Map<CardId, Event>> events) {
    List<SqlDialect.Claimed> out = new ArrayList<>(cards.size());
    for (int i = 0; i < cards.size(); i++) {
      List<Card> mine = cards.get(i);
      if (!mine.isEmpty()) {
        s.sawDatabaseTime(mine.get(0).lease().claimedAt());
      }
      out.add(new SqlDialect.Claimed(mine, events.get(i)));
    }
    return out;
  }
}
