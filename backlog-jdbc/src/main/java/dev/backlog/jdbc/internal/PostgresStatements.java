package dev.backlog.jdbc.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The PostgreSQL statements of {@link PostgresDialect}, each written out whole: the claim in its
 * sixteen variants (keyed by {@link ClaimKey}), held-lease completion, the set-based completion of
 * locked cards, sealing, and the SQL writer of the {@code claimed} event payload.
 *
 * <p>Immutable and thread-safe.
 */
public final class PostgresStatements {

  /**
   * The event fence, an advisory lock per schema: writers hold it shared from the moment they draw
   * their seqs until they commit; a reader of the event log takes it exclusively, which waits until
   * every transaction that drew seqs has ended. The first key is "bklg" in ASCII (the two-key form
   * does not collide with the migrator's one-key lock).
   */
  static final String FENCE_KEYS = "1651207271, hashtext(current_schema())";

  /**
   * Status-count stripes: each connection adds its changes to its own stripe ({@link
   * CountStripes}), so concurrent transactions do not wait for each other's count rows.
   */
  static final int COUNT_STRIPES = 64;

  /** This connection's status-count stripe, bound as {@code :stripe} ({@link CountStripes}). */
  static final String STRIPE = "CAST(:stripe AS INTEGER)";

  /**
   * The WHERE clause of every statement that draws event seqs: takes the event fence shared (an
   * uncorrelated subquery, which PostgreSQL evaluates once, before the first row).
   */
  static final String FENCE_SHARED =
      " WHERE (SELECT 1 FROM (SELECT pg_advisory_xact_lock_shared(" + FENCE_KEYS + ")) f) = 1";

  /**
   * The tail of every insert into {@code card_counts}: adds to the row of this connection's stripe.
   */
  private static final String COUNT_UPSERT =
      " ON CONFLICT (status, phase, stripe) DO UPDATE SET n = card_counts.n" + " + EXCLUDED.n";

  /**
   * Data-modifying CTEs named {@code <name>s}, {@code <name>u} and {@code <name>} that add the
   * changes {@code source} selects ({@code status}, {@code phase}, {@code n}; one row per status
   * and phase) to this connection's stripe: a plain update of the rows that exist, then an insert
   * (an upsert, for a racing first insert) of those that do not. The update comes first because an
   * upsert that finds its row locks it before changing it, one more WAL record and most of the
   * statement's count work, while nearly every change finds its row.
   */
  static String counts(String name, String source) {
    return name
        + "s AS ("
        + source
        + "), "
        + name
        + "u AS (UPDATE card_counts c SET n = c.n + s.n FROM "
        + name
        + "s s WHERE c.status = s.status AND c.phase = s.phase AND c.stripe = "
        + STRIPE
        + " RETURNING c.status, c.phase), "
        + name
        + " AS (INSERT INTO card_counts (status, phase, stripe, n) SELECT s.status, s.phase, "
        + STRIPE
        + ", s.n FROM "
        + name
        + "s s WHERE NOT EXISTS (SELECT 1 FROM "
        + name
        + "u x WHERE x.status = s.status AND x.phase = s.phase) ORDER BY s.status, s.phase"
        + COUNT_UPSERT
        + ")";
  }

  /** The transaction's time: the bound {@code :now}, or the database clock when it is null. */
  static final String NOW_CTE =
      "n AS (SELECT COALESCE(CAST(:now AS TIMESTAMPTZ), CURRENT_TIMESTAMP) AS at)";

  private PostgresStatements() {}

  /** A column expression {@code deps}: the ids card {@code card} depends on, as an array. */
  static String depsArray(String card) {
    return "ARRAY(SELECT e.depends_on FROM card_deps e WHERE e.card_id = " + card + ") AS deps";
  }

  // ---------------------------------------------------------------- claim

  /**
   * Which claim statement: of one card (its limit written into the text: with the limit a
   * parameter, PostgreSQL cannot cost a generic plan well and plans every execution anew, while
   * with {@code LIMIT 1} it settles on the generic plan after a few runs), writing its events, by
   * phase, of a named card.
   *
   * @param single one card, {@code LIMIT 1}; else {@code LIMIT :limit}
   * @param inlineEvents the statement also writes the events and status counts
   * @param byPhase binds {@code :phase}
   * @param byCard binds {@code :card}
   */
  public record ClaimKey(boolean single, boolean inlineEvents, boolean byPhase, boolean byCard) {}

  /** Every claim statement, compiled. */
  static final Map<ClaimKey, NamedSql> CLAIMS;

  static {
    Map<ClaimKey, NamedSql> claims = new HashMap<>();
    for (boolean single : new boolean[] {false, true}) {
      for (boolean inline : new boolean[] {false, true}) {
        for (boolean byPhase : new boolean[] {false, true}) {
          for (boolean byCard : new boolean[] {false, true}) {
            ClaimKey key = new ClaimKey(single, inline, byPhase, byCard);
            claims.put(key, NamedSql.compile(claimSql(key)));
          }
        }
      }
    }
    CLAIMS = Map.copyOf(claims);
  }

  /**
   * A claim statement: the CTE {@code c} locks up to the limit of claimable rows in claim order,
   * skipping rows other claimers hold (the partial index {@code cards_claimable} serves it because
   * its predicate is the same stored column); {@code t} draws their tokens in claim order; the
   * update flips them to claimed. Binds {@code :limit} (unless single), {@code :owner}, {@code
   * :ttlMicros}, {@code :now} (null for the database clock), and {@code :phase} / {@code :card}
   * when asked for, and {@code :leasePhase} and {@code :leaseAttributes} (the attributes' JSON
   * text; both may be null). Returns each card with {@code deps}; with inline events also {@code
   * event_seq} and {@code event_data}, the events being numbered in claim order behind the event
   * fence taken shared, and the status counts added to this connection's stripe; inline events
   * carry {@code :txKey} (null unless the statement commits on its own: {@link SoleStatement}).
   */
  public static String claimSql(ClaimKey key) {
    String ctes =
        "WITH c AS (SELECT id, priority, created_at FROM cards WHERE claimable"
            + (key.byPhase() ? " AND phase = :phase" : "")
            + (key.byCard() ? " AND id = :card" : "")
            + " ORDER BY priority DESC, created_at, id LIMIT "
            + (key.single() ? "1" : ":limit")
            + " FOR UPDATE SKIP LOCKED),"
            + " t AS (SELECT id, nextval('lease_tokens') AS token FROM c ORDER BY priority DESC, created_at, id), "
            + NOW_CTE;
    String update =
        "UPDATE cards k SET status = 'claimed', attempts = k.attempts + 1, lease_owner = :owner,"
            + " lease_token = t.token, lease_claimed_at = n.at,"
            + " lease_expires_at = n.at + :ttlMicros * INTERVAL '1 microsecond',"
            + " lease_phase = CAST(:leasePhase AS VARCHAR), lease_attributes = CAST(:leaseAttributes AS TEXT),"
            + " blocked_reason = NULL, version = k.version + 1, updated_at = n.at"
            + " FROM t, n WHERE k.id = t.id RETURNING "
            + CardRows.prefixed("k");
    if (!key.inlineEvents()) {
      return ctes + " " + update + ", " + depsArray("k.id");
    }
    return ctes
        + ", u AS ("
        + update
        + "),"
        + " ev AS (INSERT INTO events ("
        + CardRows.EVENT_COLUMNS
        + ", tx_key)"
        + " SELECT nextval('event_seq'), o.id, 'claimed', :owner, o.lease_claimed_at, o.lease_token, "
        + claimedDataSql(
            "CAST(:owner AS TEXT)",
            "o.lease_expires_at",
            "o.attempts",
            "o.lease_phase",
            "o.lease_attributes")
        + ", CAST(:txKey AS BIGINT)"
        + " FROM (SELECT * FROM u ORDER BY lease_token) o"
        + FENCE_SHARED
        + " RETURNING seq, card_id, data),"
        + " "
        + claimedCounts()
        + " SELECT u.*, "
        + depsArray("u.id")
        + ", ev.seq AS event_seq, ev.data AS event_data"
        + " FROM u JOIN ev ON ev.card_id = u.id";
  }

  /**
   * The count CTEs of a claim statement ({@link #counts}, named {@code cnt}): the cards its CTE
   * {@code u} claimed move from ready to claimed, per phase.
   */
  static String claimedCounts() {
    return counts(
        "cnt",
        "SELECT CAST('claimed' AS VARCHAR) AS status, CAST(COALESCE(phase, '') AS VARCHAR) AS phase,"
            + " COUNT(*) AS n FROM u GROUP BY COALESCE(phase, '')"
            + " UNION ALL SELECT 'ready', COALESCE(phase, ''), -COUNT(*) FROM u GROUP BY COALESCE(phase, '')");
  }

  /**
   * A PostgreSQL expression writing the {@code claimed} payload exactly as {@link
   * dev.backlog.core.spi.EventData#claimed} does, from a text expression for the owner, a timestamp
   * expression for the expiry, an integer expression for the attempt number, and nullable
   * expressions for the lease phase and the attributes' JSON text (members left out when null, as
   * core leaves them out). The owner and the phase are quoted by {@code to_json}, which escapes as
   * core's JSON writer does: {@code \"}, {@code \\}, {@code \b \f \n \r \t}, other characters below
   * U+0020 as {@code \}{@code u00xx} in lower case, everything else as it is (a PostgreSQL text
   * cannot hold U+0000). PostgresClaimTest checks both against each other on random owners and
   * instants.
   */
  public static String claimedDataSql(
      String owner, String expiresAt, String attempts, String leasePhase, String attributes) {
    return "('{\"owner\":' || CAST(to_json("
        + owner
        + ") AS TEXT) || ',\"expiresAt\":\"' || "
        + isoInstantSql(expiresAt)
        + " || '\",\"attempt\":' || "
        + attempts
        + " || CASE WHEN "
        + leasePhase
        + " IS NULL THEN '' ELSE ',\"phase\":' || CAST(to_json(CAST("
        + leasePhase
        + " AS TEXT)) AS TEXT) END"
        + " || CASE WHEN "
        + attributes
        + " IS NULL THEN '' ELSE ',\"attributes\":' || "
        + attributes
        + " END"
        + " || '}')";
  }

  /**
   * A PostgreSQL expression writing the timestamp {@code expr} (microsecond precision) as {@link
   * java.time.Instant#toString()} does: UTC, seconds always, the fraction in groups of three digits
   * and only as long as needed.
   */
  public static String isoInstantSql(String expr) {
    String utc = "(" + expr + " AT TIME ZONE 'UTC')";
    String micros = "MOD(CAST(EXTRACT(MICROSECONDS FROM " + utc + ") AS BIGINT), 1000000)";
    return "(to_char("
        + utc
        + ", 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        + micros
        + " = 0 THEN ''"
        + " WHEN MOD("
        + micros
        + ", 1000) = 0 THEN '.' || LPAD(CAST("
        + micros
        + " / 1000 AS TEXT), 3, '0')"
        + " ELSE '.' || LPAD(CAST("
        + micros
        + " AS TEXT), 6, '0') END || 'Z')";
  }

  // ---------------------------------------------------------------- completion

  /** The columns of {@code card_runs}, in the order the run inserts give them. */
  static final String RUN_COLUMNS =
      "card_id, lease_token, owner, claimed_at, ended_at, outcome, reason, lease_phase,"
          + " lease_attributes, evidence";

  /**
   * The held-lease test of a completion: the card is claimed (written as "none of the other
   * statuses", which the cards' check constraint makes the same, so that the planner cannot prove
   * the predicate of the partial index {@code cards_lease_expiry} from it: given {@code status =
   * 'claimed'} it scans that index, every held lease and its dead entries, and filters by id, a
   * cost that grows with the number of leases held; this way it finds the card by its primary key),
   * under the token {@code token} (an SQL expression) names, not expired at the transaction's time
   * {@code n.at}. The card's alias is {@code k}.
   */
  static String held(String token) {
    return " AND k.status NOT IN ('ready', 'blocked', 'done') AND k.lease_token = "
        + token
        + " AND k.lease_expires_at > n.at";
  }

  /**
   * The status-count changes of the cards a completion CTE {@code u} returned: one less claimed and
   * one more done per phase, for {@link #counts}.
   */
  static String completedCounts() {
    return counts(
        "cnt",
        "SELECT CAST('claimed' AS VARCHAR) AS status, CAST(COALESCE(phase, '') AS VARCHAR) AS phase,"
            + " -COUNT(*) AS n FROM u GROUP BY COALESCE(phase, '')"
            + " UNION ALL SELECT 'done', COALESCE(phase, ''), COUNT(*) FROM u GROUP BY COALESCE(phase, '')");
  }

  /**
   * CTEs {@code dd}, {@code d} and {@code x} that lower the counters of the dependents of the cards
   * a completion CTE {@code u} returned, by the number of their dependencies among them: the
   * dependents are locked in id order first (so that two completions never wait on each other in a
   * cycle); {@code x} returns, per dependent, whether it became claimable.
   */
  static final String LOWER_DEPENDENTS =
      "dd AS (SELECT e.card_id AS id, COUNT(*) AS n FROM card_deps e"
          + " WHERE e.depends_on IN (SELECT id FROM u) GROUP BY e.card_id),"
          + " d AS (SELECT c.id, dd.n FROM cards c JOIN dd ON dd.id = c.id ORDER BY c.id"
          + " FOR UPDATE OF c),"
          + " x AS (UPDATE cards SET unmet_deps = cards.unmet_deps - d.n FROM d"
          + " WHERE cards.id = d.id RETURNING cards.status = 'ready' AND cards.unmet_deps = 0"
          + " AND cards.not_before IS NULL AS claimable)";

  private static final String COMPLETE_HELD_CTES =
      "WITH "
          + NOW_CTE
          + ","
          + " u AS (UPDATE cards k SET status = 'done', lease_owner = NULL, lease_token = NULL, lease_claimed_at = NULL,"
          + " lease_expires_at = NULL, version = k.version + 1, updated_at = n.at FROM n WHERE k.id = :id"
          + held(":token")
          + " RETURNING "
          + CardRows.prefixed("k")
          + "),"
          // The run: from the row as it was before this statement (every part of a statement reads
          // the same snapshot), once the update took it.
          + " r AS (INSERT INTO card_runs ("
          + RUN_COLUMNS
          + ") SELECT o.id, o.lease_token, o.lease_owner, o.lease_claimed_at, n.at, 'completed', NULL,"
          + " o.lease_phase, o.lease_attributes, CAST(:evidence AS TEXT) FROM cards o, n"
          + " WHERE o.id = :id AND o.lease_token = CAST(:token AS BIGINT) AND o.id IN (SELECT id FROM u)),"
          + " d AS (SELECT c.id FROM cards c WHERE c.id IN (SELECT card_id FROM card_deps WHERE depends_on = :id)"
          + " AND EXISTS (SELECT 1 FROM u) ORDER BY c.id FOR UPDATE),"
          + " x AS (UPDATE cards SET unmet_deps = cards.unmet_deps - 1 FROM d WHERE cards.id = d.id"
          + " RETURNING cards.status = 'ready' AND cards.unmet_deps = 0 AND cards.not_before IS NULL"
          + " AS claimable)";

  private static final String COMPLETE_HELD_RESULT =
      " SELECT u.*, "
          + depsArray("u.id")
          + ", (SELECT COUNT(*) FROM x WHERE x.claimable) AS unblocked";

  /**
   * The common completion in one round trip: when {@code :token} is the card's current, unexpired
   * lease, flips the card to done and ends its run, then locks its dependents in id order and
   * decrements their counters; returns the card with {@code deps} and how many dependents became
   * claimable.
   */
  public static final NamedSql COMPLETE_HELD =
      NamedSql.compile(COMPLETE_HELD_CTES + COMPLETE_HELD_RESULT + " FROM u");

  /**
   * {@link #COMPLETE_HELD} that also writes the card's event (behind the event fence taken shared)
   * and adds the status counts to this connection's stripe; binds {@code :actor} and {@code :data}
   * besides, and returns {@code event_seq}.
   */
  static final NamedSql COMPLETE_HELD_WITH_EVENT =
      NamedSql.compile(
          COMPLETE_HELD_CTES
              + ","
              + " ev AS (INSERT INTO events ("
              + CardRows.EVENT_COLUMNS
              + ")"
              + " SELECT nextval('event_seq'), u.id, 'completed', :actor, u.updated_at, CAST(:token AS BIGINT), :data FROM u"
              + FENCE_SHARED
              + " RETURNING seq),"
              + " "
              + completedCounts()
              + COMPLETE_HELD_RESULT
              + ", (SELECT seq FROM ev) AS event_seq FROM u");

  /**
   * Completes locked cards whose leases were checked, in one statement: flips them to done, then
   * locks their dependents in id order and lowers each one's counter by the number of its
   * dependencies in the batch.
   */
  static final NamedSql COMPLETE_LOCKED =
      NamedSql.compile(
          "WITH u AS (UPDATE cards k SET status = 'done', lease_owner = NULL, lease_token = NULL,"
              + " lease_claimed_at = NULL, lease_expires_at = NULL, version = k.version + 1,"
              + " updated_at = CAST(:at AS TIMESTAMPTZ) WHERE k.id = ANY (CAST(:ids AS VARCHAR[])) RETURNING k.id), "
              + LOWER_DEPENDENTS
              + " SELECT (SELECT COUNT(*) FROM u) AS updated, (SELECT COUNT(*) FROM x WHERE x.claimable) AS unblocked");

  /**
   * One statement: the CTE locks the dependents in id order (so that two completions never wait on
   * each other in a cycle), then the update changes exactly those rows.
   */
  static final NamedSql DEPENDENTS_DONE =
      NamedSql.compile(
          "WITH d AS (SELECT id FROM cards"
              + " WHERE id IN (SELECT card_id FROM card_deps WHERE depends_on = :id) ORDER BY id FOR UPDATE)"
              + " UPDATE cards SET unmet_deps = cards.unmet_deps + :delta FROM d WHERE cards.id = d.id");

  /**
   * Reads and locks cards by id, with their dependencies and the transaction's time, in one round
   * trip.
   */
  static final NamedSql LOCK_ALL =
      NamedSql.compile(
          "SELECT "
              + CardRows.CARD_COLUMNS
              + ", "
              + depsArray("cards.id")
              + ", CURRENT_TIMESTAMP(6) AS tx_now FROM cards"
              + " WHERE id = ANY (CAST(:ids AS VARCHAR[])) ORDER BY id FOR UPDATE");

  // ---------------------------------------------------------------- sealing

  /** Events per sealing statement. */
  static final int SEAL_CHUNK = 1_000;

  /**
   * The seal: one text for any number of events, so the server plans it once per connection. It
   * takes the event fence shared, draws each event's seq with {@code nextval} as the events are
   * read in array order, inserts them, and adds the status counts to this connection's stripe in a
   * data-modifying CTE.
   */
  static final NamedSql SEAL =
      NamedSql.compile(
          "WITH "
              + counts(
                  "cnt",
                  "SELECT x.status, x.phase, x.n FROM unnest(CAST(:countStatus AS VARCHAR[]),"
                      + " CAST(:countPhase AS VARCHAR[]), CAST(:countDelta AS BIGINT[])) AS x (status, phase, n)")
              + " INSERT INTO events ("
              + CardRows.EVENT_COLUMNS
              + ")"
              + " SELECT nextval('event_seq'), v.card_id, v.type, v.actor, CAST(:at AS TIMESTAMPTZ), v.lease_token, v.data"
              + " FROM (SELECT * FROM unnest(CAST(:cards AS VARCHAR[]), CAST(:types AS VARCHAR[]),"
              + " CAST(:actors AS VARCHAR[]), CAST(:tokens AS BIGINT[]), CAST(:data AS TEXT[])) WITH ORDINALITY"
              + " AS u (card_id, type, actor, lease_token, data, ord) ORDER BY ord) v"
              + FENCE_SHARED
              + " RETURNING seq");

  /** Takes the event fence exclusively, and reads the transaction's isolation level. */
  static final String FENCE_EXCLUSIVE =
      "SELECT current_setting('transaction_isolation') FROM"
          + " (SELECT pg_advisory_xact_lock("
          + FENCE_KEYS
          + ")) f";
}
