package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.IdempotencyConflictException;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import dev.backlog.core.UnknownDependencyException;
import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.DependencyGraph;
import dev.backlog.core.spi.EventData;
import dev.backlog.core.spi.StoreTransaction;
import dev.backlog.core.spi.Transitions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * One store transaction on an open connection (auto-commit off). Implements the status machine with
 * {@link Transitions}, keeps the {@code unmet_deps} counters right, and buffers events until
 * {@link #seal()} numbers them right before commit: on H2 from the event counter row (so that seq order
 * is commit order), on PostgreSQL from the {@code event_seq} sequence under a shared advisory lock that
 * readers of the event log take exclusively (so that a reader never reads past a seq whose transaction
 * is still open; see {@link #events}). On PostgreSQL a claim or held-lease completion that comes before
 * any buffered event writes its events itself, in its own statement, behind the same lock (see
 * {@link #inlineEvents()}).
 *
 * <p>The statements of creating, claiming, the lease holder's operations, the lease sweep, blocking,
 * linking and unlinking, reading cards, stats and events run as plain JDBC on the connection
 * ({@link NamedSql} texts fixed at class load); the recount and the PostgreSQL event reader's fence go
 * through a JDBI handle on the same connection, opened when first needed. A short-lived process
 * (the command line) thus seldom starts the SQL library, whose first use costs more than a
 * whole command.
 *
 * <p>Not thread-safe: used by one thread while its transaction runs.
 */
public final class JdbcTransaction implements StoreTransaction {

  /** Card columns in the order {@link #mapCard} reads them. */
  static final String CARD_COLUMNS = "id, title, body, phase, priority, status, acceptance, idempotency_key,"
      + " attempts, max_attempts, lease_owner, lease_token, lease_claimed_at, lease_expires_at, blocked_reason,"
      + " created_at, updated_at, version";

  private static final int IN_CHUNK = 500;
  private static final int H2_WINDOW = 32;
  private static final int H2_MAX_WINDOW = 4096;

  private final java.sql.Connection connection;
  private final Function<java.sql.Connection, Handle> handles;
  private Handle handle;
  private final Dialect dialect;
  private final InstantSource clock;
  private Instant now;

  private final List<PendingEvent> pending = new ArrayList<>();
  private final List<Event> sealed = new ArrayList<>();
  private final Set<CardId> forwardReferences = new LinkedHashSet<>();
  /** Changes to card_counts, keyed by status and phase, applied when the events are numbered. */
  private final Map<Map.Entry<CardStatus, String>, Long> countDeltas = new HashMap<>();
  private boolean wakesWaiters;

  /** The PostgreSQL channel that wakes long-polling claimers. */
  public static final String CHANNEL = "backlog_change";

  /**
   * The event fence on PostgreSQL, an advisory lock per schema: writers hold it shared from the moment
   * they draw their seqs until they commit; a reader of the event log takes it exclusively, which waits
   * until every transaction that drew seqs has ended. The first key is "bklg" in ASCII (the two-key form
   * does not collide with the migrator's one-key lock).
   */
  static final String FENCE_KEYS = "1651207271, hashtext(current_schema())";

  /**
   * Status-count stripes on PostgreSQL: each connection adds its changes to the stripe of its server
   * process, so concurrent transactions do not wait for each other's count rows.
   */
  static final int COUNT_STRIPES = 64;

  /**
   * The WHERE clause of every statement that draws event seqs on PostgreSQL: takes the event fence shared
   * (an uncorrelated subquery, which PostgreSQL evaluates once, before the first row).
   */
  private static final String FENCE_SHARED = " WHERE (SELECT 1 FROM (SELECT pg_advisory_xact_lock_shared("
      + FENCE_KEYS + ")) f) = 1";

  /** The tail of every insert into {@code card_counts} on PostgreSQL: adds to the row of this connection's stripe. */
  private static final String COUNT_UPSERT = " ON CONFLICT (status, phase, stripe) DO UPDATE SET n = card_counts.n"
      + " + EXCLUDED.n";

  /** This connection's status-count stripe on PostgreSQL. */
  private static final String STRIPE = "pg_backend_pid() % " + COUNT_STRIPES;

  private record PendingEvent(CardId cardId, EventType type, String actor, LeaseToken token, String data) {
  }

  /**
   * Opens the transaction view.
   *
   * @param connection a connection whose transaction has begun (auto-commit off)
   * @param handles opens a JDBI handle on the connection, for the statements that run through JDBI
   * @param dialect the database dialect
   * @param clock the injected clock, or null to judge time by the database clock
   */
  public JdbcTransaction(java.sql.Connection connection, Function<java.sql.Connection, Handle> handles,
      Dialect dialect, InstantSource clock) {
    this.connection = connection;
    this.handles = handles;
    this.dialect = dialect;
    this.clock = clock;
  }

  /** The JDBI handle on this transaction's connection, opened on first use. */
  private Handle handle() {
    if (handle == null) {
      handle = handles.apply(connection);
    }
    return handle;
  }

  /**
   * Closes the JDBI handle if one was opened (it leaves the connection and its transaction alone);
   * the engine calls it before it commits or rolls back.
   */
  public void closeHandle() {
    if (handle != null) {
      Handle h = handle;
      handle = null;
      h.close();
    }
  }

  /** Reads one row of a plain JDBC result. */
  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Binds a plain JDBC statement's parameters by name. */
  @FunctionalInterface
  private interface Bind {
    void to(NamedSql.Binder b) throws SQLException;
  }

  /** What to do with a statement once its parameters are bound. */
  @FunctionalInterface
  private interface Run<R> {
    R on(java.sql.PreparedStatement ps) throws SQLException;
  }

  /** Prepares {@code sql} on the connection, binds it and runs it. */
  private <R> R run(NamedSql sql, Bind bind, Run<R> run) {
    try (java.sql.PreparedStatement ps = sql.prepare(connection)) {
      bind.to(sql.binder(ps));
      return run.on(ps);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Runs a query on the connection and reads every row. */
  private <T> List<T> rows(NamedSql sql, Bind bind, Row<T> row) {
    return run(sql, bind, ps -> read(ps, row));
  }

  /** Runs a bound query and reads every row. */
  private static <T> List<T> read(java.sql.PreparedStatement ps, Row<T> row) throws SQLException {
    List<T> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row.read(rs));
      }
    }
    return out;
  }

  /**
   * Runs {@code head + " IN (?, …)" + tail} with one parameter per value of {@code values} (at most
   * {@link #IN_CHUNK} of them) and reads every row.
   */
  private <T> List<T> rowsIn(String head, List<String> values, String tail, Row<T> row) {
    String sql = head + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")" + tail;
    try (java.sql.PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int k = 0; k < values.size(); k++) {
        ps.setString(k + 1, values.get(k));
      }
      return read(ps, row);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Runs an update on the connection; returns the rows changed. */
  private int update(NamedSql sql, Bind bind) {
    return run(sql, bind, java.sql.PreparedStatement::executeUpdate);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs the checks due at the end of the transaction, then numbers and writes the buffered
   * events. Called before commit, and by {@link #writtenEvents()}; may run again when the work
   * continues after it.
   *
   * @throws UnknownDependencyException when a card names a dependency that still does not exist
   */
  public void seal() {
    checkForwardReferences();
    if (pending.isEmpty()) {
      return;
    }
    if (dialect == Dialect.POSTGRESQL) {
      sealPostgres();
      return;
    }
    int n = pending.size();
    long last = rows(DRAW_SEQS_H2, b -> b.set("n", n, java.sql.Types.INTEGER), rs -> rs.getLong(1)).get(0);
    long seq = last - n + 1;
    Instant at = now();
    List<Event> numbered = new ArrayList<>(n);
    try (java.sql.PreparedStatement ps = INSERT_EVENT_H2.prepare(connection)) {
      NamedSql.Binder b = INSERT_EVENT_H2.binder(ps);
      for (PendingEvent p : pending) {
        Event event = new Event(seq++, p.cardId(), p.type(), p.actor(), at, p.token(), p.data());
        numbered.add(event);
        b.set("seq", event.seq(), java.sql.Types.BIGINT).set("card", event.cardId().value(), java.sql.Types.VARCHAR)
            .set("type", event.type().wireName(), java.sql.Types.VARCHAR)
            .set("actor", event.actor(), java.sql.Types.VARCHAR)
            .set("at", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
            .set("token", event.leaseToken() == null ? null : event.leaseToken().value(), java.sql.Types.BIGINT)
            .set("data", event.data(), java.sql.Types.VARCHAR);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw failed(e);
    }
    pending.clear();
    sealed.addAll(numbered);
    applyCountDeltas();
  }

  private static final NamedSql DRAW_SEQS_H2 = NamedSql.compile("SELECT last_seq FROM FINAL TABLE (UPDATE"
      + " event_counter SET last_seq = last_seq + :n WHERE id = 1)");
  private static final NamedSql INSERT_EVENT_H2 = NamedSql.compile("INSERT INTO events (seq, card_id, type, actor,"
      + " at, lease_token, data) VALUES (:seq, :card, :type, :actor, :at, :token, :data)");
  private static final NamedSql ADD_COUNT_H2 = NamedSql.compile("UPDATE card_counts SET n = n + :d"
      + " WHERE status = :s AND phase = :p");
  private static final NamedSql INSERT_COUNT_H2 = NamedSql.compile("INSERT INTO card_counts (status, phase, n)"
      + " VALUES (:s, :p, :d)");
  private static final NamedSql NOW = NamedSql.compile("SELECT CURRENT_TIMESTAMP(6)");
  private static final NamedSql CARD_BY_ID = NamedSql.compile("SELECT " + CARD_COLUMNS + " FROM cards WHERE id = :id");
  private static final NamedSql DEPENDENCIES = NamedSql.compile("SELECT depends_on FROM card_deps"
      + " WHERE card_id = :id ORDER BY depends_on");
  private static final NamedSql EXISTS = NamedSql.compile("SELECT COUNT(*) FROM cards WHERE id = :id");
  private static final NamedSql HAS_DEPENDENTS = NamedSql.compile("SELECT COUNT(*) FROM (SELECT 1 FROM card_deps"
      + " WHERE depends_on = :id LIMIT 1) x");
  private static final NamedSql LOCK_GRAPH = NamedSql.compile("UPDATE graph_lock SET changes = changes + 1"
      + " WHERE id = 1");
  private static final NamedSql WRITE_CARD = NamedSql.compile("UPDATE cards SET status = :status,"
      + " attempts = :attempts, lease_owner = :owner, lease_token = :token, lease_claimed_at = :claimedAt,"
      + " lease_expires_at = :expiresAt, blocked_reason = :reason, updated_at = :updatedAt, version = :version"
      + " WHERE id = :id");
  private static final NamedSql WRITE_VERSION = NamedSql.compile("UPDATE cards SET updated_at = :updatedAt,"
      + " version = :version WHERE id = :id");
  private static final NamedSql ADJUST_UNMET = NamedSql.compile("UPDATE cards SET unmet_deps = unmet_deps + :delta"
      + " WHERE id = :id");
  private static final NamedSql SET_UNMET = NamedSql.compile("UPDATE cards SET unmet_deps = :unmet WHERE id = :id");
  private static final NamedSql LOCK_DEPENDENTS_H2 = NamedSql.compile("SELECT id FROM cards WHERE id IN"
      + " (SELECT card_id FROM card_deps WHERE depends_on = :id) ORDER BY id FOR UPDATE");
  private static final NamedSql DEPENDENTS_DONE_H2 = NamedSql.compile("UPDATE cards SET unmet_deps = unmet_deps"
      + " + :delta WHERE id IN (SELECT card_id FROM card_deps WHERE depends_on = :id)");
  /**
   * One statement: the CTE locks the dependents in id order (so that two completions never wait on
   * each other in a cycle), then the update changes exactly those rows.
   */
  private static final NamedSql DEPENDENTS_DONE_POSTGRES = NamedSql.compile("WITH d AS (SELECT id FROM cards"
      + " WHERE id IN (SELECT card_id FROM card_deps WHERE depends_on = :id) ORDER BY id FOR UPDATE)"
      + " UPDATE cards SET unmet_deps = cards.unmet_deps + :delta FROM d WHERE cards.id = d.id");
  /** A card's clashes by id, and by idempotency key when one is given (one statement: one snapshot). */
  private static final NamedSql[] CLASHES = {
      NamedSql.compile("SELECT id, idempotency_key, fingerprint FROM cards WHERE id = :id"),
      NamedSql.compile("SELECT id, idempotency_key, fingerprint FROM cards WHERE id = :id OR idempotency_key = :k")};
  private static final NamedSql INSERT_CARD = NamedSql.compile("INSERT INTO cards (id, title, body, phase, priority,"
      + " status, acceptance, idempotency_key, fingerprint, attempts, max_attempts, blocked_reason, created_at,"
      + " updated_at, version, unmet_deps) VALUES (:id, :title, :body, :phase, :priority, :status, :acceptance,"
      + " :key, :fingerprint, 0, :maxAttempts, :reason, :at, :at, 1, :unmet)");
  private static final NamedSql INSERT_EDGE = NamedSql.compile("INSERT INTO card_deps (card_id, depends_on)"
      + " VALUES (:card, :dep)");
  private static final NamedSql DELETE_EDGE = NamedSql.compile("DELETE FROM card_deps WHERE card_id = :card"
      + " AND depends_on = :dep");

  /** Events per statement when sealing on PostgreSQL. */
  private static final int SEAL_CHUNK = 1_000;

  /**
   * The PostgreSQL seal: one text for any number of events, so the server plans it once per connection.
   * It takes the event fence shared (an uncorrelated subquery: PostgreSQL evaluates it once, before the
   * first row), draws each event's seq with {@code nextval} as the events are read in array order,
   * inserts them, and adds the status counts to this connection's stripe in a data-modifying CTE.
   */
  private static final NamedSql SEAL_POSTGRES = NamedSql.compile("WITH counts AS (INSERT INTO card_counts"
      + " (status, phase, stripe, n) SELECT x.status, x.phase, " + STRIPE + ", x.n"
      + " FROM unnest(CAST(:countStatus AS VARCHAR[]), CAST(:countPhase AS VARCHAR[]), CAST(:countDelta AS BIGINT[]))"
      + " AS x (status, phase, n)"
      + COUNT_UPSERT + ")"
      + " INSERT INTO events (seq, card_id, type, actor, at, lease_token, data)"
      + " SELECT nextval('event_seq'), v.card_id, v.type, v.actor, CAST(:at AS TIMESTAMPTZ), v.lease_token, v.data"
      + " FROM (SELECT * FROM unnest(CAST(:cards AS VARCHAR[]), CAST(:types AS VARCHAR[]),"
      + " CAST(:actors AS VARCHAR[]), CAST(:tokens AS BIGINT[]), CAST(:data AS TEXT[])) WITH ORDINALITY"
      + " AS u (card_id, type, actor, lease_token, data, ord) ORDER BY ord) v"
      + FENCE_SHARED + " RETURNING seq");

  /**
   * Seals on PostgreSQL in one round trip per {@value #SEAL_CHUNK} events with {@link #SEAL_POSTGRES};
   * the status counts go with the first chunk.
   */
  private void sealPostgres() {
    Instant at = now();
    List<Event> numbered = new ArrayList<>(pending.size());
    List<Map.Entry<Map.Entry<CardStatus, String>, Long>> counts = new ArrayList<>(countDeltas.entrySet());
    counts.removeIf(d -> d.getValue() == 0);
    // Stripe rows are locked in one order by every writer.
    counts.sort(Comparator.comparing((Map.Entry<Map.Entry<CardStatus, String>, Long> d) ->
        d.getKey().getKey().wireName()).thenComparing(d -> d.getKey().getValue()));
    java.sql.Connection c = connection;
    try (java.sql.PreparedStatement ps = SEAL_POSTGRES.prepare(c)) {
      NamedSql.Binder b = SEAL_POSTGRES.binder(ps);
      for (int from = 0; from < pending.size(); from += SEAL_CHUNK) {
        List<PendingEvent> chunk = pending.subList(from, Math.min(pending.size(), from + SEAL_CHUNK));
        int n = chunk.size();
        int k = from == 0 ? counts.size() : 0;
        String[] countStatus = new String[k];
        String[] countPhase = new String[k];
        Long[] countDelta = new Long[k];
        for (int i = 0; i < k; i++) {
          countStatus[i] = counts.get(i).getKey().getKey().wireName();
          countPhase[i] = counts.get(i).getKey().getValue();
          countDelta[i] = counts.get(i).getValue();
        }
        String[] cards = new String[n];
        String[] types = new String[n];
        String[] actors = new String[n];
        Long[] tokens = new Long[n];
        String[] data = new String[n];
        for (int i = 0; i < n; i++) {
          PendingEvent p = chunk.get(i);
          cards[i] = p.cardId().value();
          types[i] = p.type().wireName();
          actors[i] = p.actor();
          tokens[i] = p.token() == null ? null : p.token().value();
          data[i] = p.data();
        }
        b.set("countStatus", c.createArrayOf("varchar", countStatus), java.sql.Types.ARRAY)
            .set("countPhase", c.createArrayOf("varchar", countPhase), java.sql.Types.ARRAY)
            .set("countDelta", c.createArrayOf("int8", countDelta), java.sql.Types.ARRAY)
            .set("at", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
            .set("cards", c.createArrayOf("varchar", cards), java.sql.Types.ARRAY)
            .set("types", c.createArrayOf("varchar", types), java.sql.Types.ARRAY)
            .set("actors", c.createArrayOf("varchar", actors), java.sql.Types.ARRAY)
            .set("tokens", c.createArrayOf("int8", tokens), java.sql.Types.ARRAY)
            .set("data", c.createArrayOf("text", data), java.sql.Types.ARRAY);
        long[] seqs = new long[n];
        int got = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (got < n) {
              seqs[got] = rs.getLong(1);
            }
            got++;
          }
        }
        if (got != n) {
          throw new IllegalStateException("sealing " + n + " events returned " + got + " seqs");
        }
        for (int i = 0; i < n; i++) {
          PendingEvent p = chunk.get(i);
          if (i > 0 && seqs[i] <= seqs[i - 1]) {
            throw new IllegalStateException("event seqs were not drawn in the order of the events: "
                + java.util.Arrays.toString(seqs));
          }
          numbered.add(new Event(seqs[i], p.cardId(), p.type(), p.actor(), at, p.token(), p.data()));
        }
      }
    } catch (SQLException e) {
      throw failed(e);
    }
    pending.clear();
    countDeltas.clear();
    sealed.addAll(numbered);
  }

  /** A failure of a statement run on the handle's connection, for the engine to classify like the library's own. */
  static RuntimeException failed(SQLException e) {
    return new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
  }

  private void count(CardStatus status, String phase, long delta) {
    countDeltas.merge(Map.entry(status, phase == null ? "" : phase), delta, Long::sum);
  }

  private void statusCounts(Card before, Card after) {
    if (before.status() != after.status()) {
      count(before.status(), before.phase(), -1);
      count(after.status(), after.phase(), 1);
    }
  }

  /** Applies the status counts on H2; the caller holds the event_counter row, so no one else writes them now. */
  private void applyCountDeltas() {
    for (Map.Entry<Map.Entry<CardStatus, String>, Long> d : countDeltas.entrySet()) {
      if (d.getValue() == 0) {
        continue;
      }
      String status = d.getKey().getKey().wireName();
      String phase = d.getKey().getValue();
      Bind bind = b -> b.set("d", d.getValue(), java.sql.Types.BIGINT).set("s", status, java.sql.Types.VARCHAR)
          .set("p", phase, java.sql.Types.VARCHAR);
      if (update(ADD_COUNT_H2, bind) == 0) {
        update(INSERT_COUNT_H2, bind);
      }
    }
    countDeltas.clear();
  }

  /** Whether the transaction changed something a waiting claimer may care about. */
  public boolean wakesWaiters() {
    return wakesWaiters;
  }

  /** Whether the transaction wrote events. */
  public boolean wroteEvents() {
    return !sealed.isEmpty() || !pending.isEmpty();
  }

  /** The first event this transaction wrote (after {@link #seal()}), to verify an uncertain commit. */
  public Optional<Event> firstSealedEvent() {
    return sealed.isEmpty() ? Optional.empty() : Optional.of(sealed.get(0));
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Instant now() {
    if (now == null) {
      if (clock != null) {
        now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      } else {
        now = rows(NOW, b -> { }, rs -> instant(rs, 1)).get(0).truncatedTo(ChronoUnit.MICROS);
      }
    }
    return now;
  }

  @Override
  public Optional<Card> find(CardId id) {
    return rows(CARD_BY_ID, b -> b.set("id", id.value(), java.sql.Types.VARCHAR), JdbcTransaction::mapCard).stream()
        .findFirst().map(this::withDependencies);
  }

  @Override
  public List<Card> list(CardQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + CARD_COLUMNS + " FROM cards WHERE 1 = 1");
    String filter = filter(query);
    sql.append(filter).append(" ORDER BY priority DESC, created_at, id LIMIT :limit");
    List<Card> cards = rows(NamedSql.compile(sql.toString()), b -> {
      b.set("limit", query.limit(), java.sql.Types.INTEGER);
      bindFilter(b, query);
    }, JdbcTransaction::mapCard);
    return withDependencies(cards, filter, query);
  }

  private String filter(CardQuery query) {
    StringBuilder sql = new StringBuilder();
    if (query.status() != null) {
      sql.append(" AND status = :status");
    }
    if (query.phase() != null) {
      sql.append(" AND phase = :phase");
    }
    if (query.claimableOnly()) {
      sql.append(" AND ").append(dialect.claimable());
    }
    return sql.toString();
  }

  private static void bindFilter(NamedSql.Binder b, CardQuery query) throws SQLException {
    if (query.status() != null) {
      b.set("status", query.status().wireName(), java.sql.Types.VARCHAR);
    }
    if (query.phase() != null) {
      b.set("phase", query.phase(), java.sql.Types.VARCHAR);
    }
  }

  private static final NamedSql COUNTS = NamedSql.compile("SELECT status, phase, SUM(n) AS n FROM card_counts"
      + " GROUP BY status, phase");
  private static final NamedSql[] CLAIMABLE = {claimableSql(Dialect.H2), claimableSql(Dialect.POSTGRESQL)};

  private static NamedSql claimableSql(Dialect dialect) {
    return NamedSql.compile("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM cards WHERE "
        + dialect.claimable());
  }
  private static final NamedSql EXPIRED = NamedSql.compile("SELECT COUNT(*) FROM cards WHERE status = 'claimed'"
      + " AND lease_expires_at <= :now");

  @Override
  public Stats stats() {
    Instant at = now();
    Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
    Map<String, Map<CardStatus, Long>> byPhase = new TreeMap<>();
    long[] total = {0};
    // Committed counts plus this transaction's own changes not yet applied.
    Map<Map.Entry<CardStatus, String>, Long> merged = new HashMap<>(countDeltas);
    for (Map.Entry<Map.Entry<CardStatus, String>, Long> e : rows(COUNTS, b -> { },
        rs -> Map.entry(Map.entry(status(rs.getString("status")), rs.getString("phase")), rs.getLong("n")))) {
      merged.merge(e.getKey(), e.getValue(), Long::sum);
    }
    for (Map.Entry<Map.Entry<CardStatus, String>, Long> e : merged.entrySet()) {
      long n = e.getValue();
      if (n == 0) {
        continue;
      }
      CardStatus status = e.getKey().getKey();
      String phase = e.getKey().getValue();
      counts.merge(status, n, Long::sum);
      total[0] += n;
      if (!phase.isEmpty()) {
        byPhase.computeIfAbsent(phase, p -> new EnumMap<>(CardStatus.class)).merge(status, n, Long::sum);
      }
    }
    long[] claimable = {0};
    Instant[] oldest = {null};
    rows(CLAIMABLE[dialect == Dialect.POSTGRESQL ? 1 : 0], b -> { }, rs -> {
      claimable[0] = rs.getLong("n");
      oldest[0] = rs.getObject("oldest") == null ? null : instant(rs, "oldest");
      return 0;
    });
    long expired = rows(EXPIRED, b -> b.set("now", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE),
        rs -> rs.getLong(1)).get(0);
    Duration age = null;
    if (oldest[0] != null) {
      Duration d = Duration.between(oldest[0], at);
      age = d.isNegative() ? Duration.ZERO : d;
    }
    return new Stats(counts, total[0], claimable[0], age, expired, byPhase);
  }

  private static final NamedSql[] EVENTS = {NamedSql.compile(eventsSql(false)), NamedSql.compile(eventsSql(true))};

  private static String eventsSql(boolean byCard) {
    return "SELECT seq, card_id, type, actor, at, lease_token, data FROM events WHERE seq > :after"
        + (byCard ? " AND card_id = :card" : "") + " ORDER BY seq LIMIT :limit";
  }

  @Override
  public List<Event> events(EventQuery query) {
    seal();
    if (dialect == Dialect.POSTGRESQL) {
      // Seqs come from a sequence, so a transaction holding seq 7 may commit after one holding seq 8.
      // Taking the fence exclusively waits until every transaction that drew seqs has ended (locks are
      // released after the commit became visible); the query below then reads with a fresh snapshot in
      // which no seq can still appear below the ones it sees. New writers wait until this transaction ends.
      // This needs read committed: a snapshot taken before the fence was granted could miss what committed
      // while the reader waited.
      String isolation = handle().createQuery("SELECT current_setting('transaction_isolation') FROM"
          + " (SELECT pg_advisory_xact_lock(" + FENCE_KEYS + ")) f").mapTo(String.class).one();
      if (!"read committed".equals(isolation)) {
        throw new IllegalStateException("reading events on PostgreSQL needs READ COMMITTED transactions, but this"
            + " connection runs '" + isolation + "': configure the data source's transaction isolation as READ"
            + " COMMITTED (PostgreSQL's default)");
      }
    }
    return rows(EVENTS[query.cardId() == null ? 0 : 1], b -> {
      b.set("after", query.afterSeq(), java.sql.Types.BIGINT).set("limit", query.limit(), java.sql.Types.INTEGER);
      if (query.cardId() != null) {
        b.set("card", query.cardId().value(), java.sql.Types.VARCHAR);
      }
    }, JdbcTransaction::mapEvent);
  }

  @Override
  public List<Event> writtenEvents() {
    seal();
    return List.copyOf(sealed);
  }

  // ---------------------------------------------------------------- DAG

  @Override
  public Card create(NewCard request, String actor) {
    // One statement, so that both checks see the same snapshot of a racing create.
    List<String[]> clashes = rows(CLASHES[request.idempotencyKey() != null ? 1 : 0], b -> {
      b.set("id", request.id().value(), java.sql.Types.VARCHAR);
      if (request.idempotencyKey() != null) {
        b.set("k", request.idempotencyKey(), java.sql.Types.VARCHAR);
      }
    }, rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
    if (request.idempotencyKey() != null) {
      for (String[] row : clashes) {
        if (request.idempotencyKey().equals(row[1])) {
          CardId existing = CardId.of(row[0]);
          if (request.fingerprint().equals(row[2])) {
            return require(existing);
          }
          throw new IdempotencyConflictException(request.idempotencyKey(), existing);
        }
      }
    }
    if (!clashes.isEmpty()) {
      throw new DuplicateCardException(request.id());
    }
    boolean named = !request.dependsOn().isEmpty() && hasDependents(request.id());
    if (named) {
      lockGraph();
    }
    for (CardId dep : request.dependsOn()) {
      if (dep.equals(request.id())) {
        throw new DependencyCycleException(List.of(dep, dep));
      }
      if (named) {
        Optional<List<CardId>> cycle = DependencyGraph.cycleThrough(request.id(), dep, dependencyReader());
        if (cycle.isPresent()) {
          throw new DependencyCycleException(cycle.get());
        }
      }
    }
    Map<CardId, CardStatus> deps = lockStatuses(request.dependsOn());
    int unmet = 0;
    boolean missing = false;
    for (CardId dep : request.dependsOn()) {
      CardStatus status = deps.get(dep);
      if (status == null) {
        missing = true;
      }
      if (status != CardStatus.DONE) {
        unmet++;
      }
    }
    Instant at = now();
    Card card = Card.builder()
        .id(request.id()).title(request.title()).body(request.body()).phase(request.phase())
        .priority(request.priority()).dependsOn(request.dependsOn()).acceptance(request.acceptance())
        .idempotencyKey(request.idempotencyKey()).maxAttempts(request.maxAttempts())
        .status(request.blocked() ? CardStatus.BLOCKED : CardStatus.READY).blockedReason(request.blockedReason())
        .createdAt(at).updatedAt(at).version(1).build();
    int unmetDeps = unmet;
    update(INSERT_CARD, b -> b.set("id", card.id().value(), java.sql.Types.VARCHAR)
        .set("title", card.title(), java.sql.Types.VARCHAR).set("body", card.body(), java.sql.Types.VARCHAR)
        .set("phase", card.phase(), java.sql.Types.VARCHAR).set("priority", card.priority(), java.sql.Types.INTEGER)
        .set("status", card.status().wireName(), java.sql.Types.VARCHAR)
        .set("acceptance", card.acceptance(), java.sql.Types.VARCHAR)
        .set("key", card.idempotencyKey(), java.sql.Types.VARCHAR)
        .set("fingerprint", request.idempotencyKey() == null ? null : request.fingerprint(), java.sql.Types.VARCHAR)
        .set("maxAttempts", card.maxAttempts(), java.sql.Types.INTEGER)
        .set("reason", card.blockedReason(), java.sql.Types.VARCHAR)
        .set("at", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE).set("unmet", unmetDeps, java.sql.Types.INTEGER));
    if (!request.dependsOn().isEmpty()) {
      try (java.sql.PreparedStatement ps = INSERT_EDGE.prepare(connection)) {
        NamedSql.Binder b = INSERT_EDGE.binder(ps);
        for (CardId dep : request.dependsOn()) {
          b.set("card", card.id().value(), java.sql.Types.VARCHAR).set("dep", dep.value(), java.sql.Types.VARCHAR);
          ps.addBatch();
        }
        ps.executeBatch();
      } catch (SQLException e) {
        throw failed(e);
      }
    }
    if (missing) {
      forwardReferences.add(card.id());
    }
    count(card.status(), card.phase(), 1);
    event(card, EventType.CREATED, actor, null, EventData.created(card));
    return card;
  }

  @Override
  public Card link(CardId from, CardId to, String actor) {
    Card card = lock(from);
    Map<CardId, CardStatus> target = lockStatuses(List.of(to));
    if (!target.containsKey(to)) {
      throw new UnknownDependencyException(from, Set.of(to));
    }
    if (card.dependsOn().contains(to)) {
      return card;
    }
    if (from.equals(to)) {
      throw new DependencyCycleException(List.of(from, from));
    }
    if (hasDependents(from)) {
      lockGraph();
      Optional<List<CardId>> cycle = DependencyGraph.cycleThrough(from, to, dependencyReader());
      if (cycle.isPresent()) {
        throw new DependencyCycleException(cycle.get());
      }
    }
    update(INSERT_EDGE, b -> b.set("card", from.value(), java.sql.Types.VARCHAR).set("dep", to.value(),
        java.sql.Types.VARCHAR));
    if (target.get(to) != CardStatus.DONE) {
      adjustUnmet(from, 1);
    }
    TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
    deps.add(to);
    Card next = Transitions.next(card, now()).dependsOn(deps).build();
    writeVersion(next);
    event(next, EventType.LINKED, actor, null, EventData.edge(to));
    return next;
  }

  @Override
  public Card unlink(CardId from, CardId to, String actor) {
    Card card = lock(from);
    if (!card.dependsOn().contains(to)) {
      return card;
    }
    Map<CardId, CardStatus> target = lockStatuses(List.of(to));
    update(DELETE_EDGE, b -> b.set("card", from.value(), java.sql.Types.VARCHAR).set("dep", to.value(),
        java.sql.Types.VARCHAR));
    if (target.get(to) != CardStatus.DONE) {
      adjustUnmet(from, -1);
    }
    TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
    deps.remove(to);
    Card next = Transitions.next(card, now()).dependsOn(deps).build();
    writeVersion(next);
    event(next, EventType.UNLINKED, actor, null, EventData.edge(to));
    return next;
  }

  // ---------------------------------------------------------------- claims

  @Override
  public List<Claim> claim(ClaimRequest request) {
    // On PostgreSQL, when nothing is buffered, the claim statement writes the events itself: by card, here.
    Map<CardId, Event> written = inlineEvents() ? new HashMap<>() : null;
    boolean inline = written != null;
    List<Card> claimed = dialect == Dialect.POSTGRESQL ? claimPostgres(request, written) : claimH2(request);
    if (claimed.isEmpty()) {
      if (request.cardId() != null && !exists(request.cardId())) {
        throw new CardNotFoundException(request.cardId());
      }
      return List.of();
    }
    List<Card> cards = new ArrayList<>();
    if (dialect == Dialect.POSTGRESQL) {
      // The claim statement returned each card's dependencies already.
      cards.addAll(claimed);
    } else {
      Map<CardId, SortedSet<CardId>> deps = dependenciesOf(claimed.stream().map(Card::id).toList());
      for (Card c : claimed) {
        cards.add(c.toBuilder().dependsOn(deps.getOrDefault(c.id(), Collections.emptySortedSet())).build());
      }
    }
    cards.sort(InMemoryBacklogStore.CLAIM_ORDER);
    List<Claim> claims = new ArrayList<>(cards.size());
    for (Card card : cards) {
      if (!inline) {
        count(CardStatus.READY, card.phase(), -1);
        count(CardStatus.CLAIMED, card.phase(), 1);
        event(card, EventType.CLAIMED, request.owner(), card.lease().token(), EventData.claimed(card));
      }
      claims.add(new Claim(card, card.lease()));
    }
    if (inline) {
      // The statement wrote the events and counts; number them in claim order, as the buffered path would.
      long last = Long.MIN_VALUE;
      for (Card card : cards) {
        Event event = written.get(card.id());
        if (event == null || event.seq() <= last) {
          throw new IllegalStateException("the claim statement's events do not follow claim order: " + card.id());
        }
        last = event.seq();
        sealed.add(event);
      }
    }
    return claims;
  }

  /**
   * One statement: lock up to {@code limit} claimable rows in claim order, skipping rows other
   * claimers hold, and flip them to claimed. The partial index {@code cards_claimable} serves the
   * CTE because its predicate uses the same literals.
   */
  private List<Card> claimPostgres(ClaimRequest request, Map<CardId, Event> written) {
    boolean inline = written != null;
    boolean single = request.limit() == 1;
    NamedSql sql = CLAIM_POSTGRES[(single ? 8 : 0) + (inline ? 4 : 0) + (request.phase() != null ? 2 : 0)
        + (request.cardId() != null ? 1 : 0)];
    List<Card> cards = new ArrayList<>(Math.min(request.limit(), 64));
    try (java.sql.PreparedStatement ps = sql.prepare(connection)) {
      NamedSql.Binder b = sql.binder(ps);
      if (!single) {
        b.set("limit", request.limit(), java.sql.Types.INTEGER);
      }
      b.set("owner", request.owner(), java.sql.Types.VARCHAR)
          .set("ttlMicros", micros(request.ttl()), java.sql.Types.BIGINT)
          .set("now", now == null && clock == null ? null : odt(now()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      if (request.phase() != null) {
        b.set("phase", request.phase(), java.sql.Types.VARCHAR);
      }
      if (request.cardId() != null) {
        b.set("card", request.cardId().value(), java.sql.Types.VARCHAR);
      }
      if (inline) {
        b.set("dataHead", EventData.claimedHead(request.owner()), java.sql.Types.VARCHAR)
            .set("dataMiddle", EventData.CLAIMED_MIDDLE, java.sql.Types.VARCHAR);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Card card = mapCardWithDeps(rs);
          cards.add(card);
          if (inline) {
            String data = EventData.claimed(card);
            if (!data.equals(rs.getString("event_data"))) {
              throw new IllegalStateException("the claim statement wrote the event data "
                  + rs.getString("event_data") + " where the event's format is " + data);
            }
            written.put(card.id(), new Event(rs.getLong("event_seq"), card.id(), EventType.CLAIMED,
                request.owner(), card.lease().claimedAt(), card.lease().token(), data));
          }
        }
      }
    } catch (SQLException e) {
      throw failed(e);
    }
    if (now == null && !cards.isEmpty()) {
      now = cards.get(0).lease().claimedAt();
    }
    return cards;
  }

  /**
   * Whether an operation may write its events and status counts in its own statement: on PostgreSQL, when
   * no event of an earlier operation of this transaction waits to be numbered (a transaction's events
   * are numbered in the order of its operations). Saves the separate sealing statement for transactions
   * of one operation, the common case.
   */
  private boolean inlineEvents() {
    return dialect == Dialect.POSTGRESQL && pending.isEmpty();
  }

  /**
   * {@link #postgresClaimSql} compiled, indexed by (one card ? 8 : 0) + (writes its events ? 4 : 0) + (by
   * phase ? 2 : 0) + (by card ? 1 : 0). A claim of one card has its limit written into the text: with the
   * limit a parameter, PostgreSQL cannot cost a generic plan well and plans every execution anew (about
   * as long as running it), while with {@code LIMIT 1} it settles on the generic plan after a few runs.
   */
  private static final NamedSql[] CLAIM_POSTGRES = new NamedSql[16];

  static {
    for (int i = 0; i < CLAIM_POSTGRES.length; i++) {
      boolean byPhase = (i & 2) != 0;
      boolean byCard = (i & 1) != 0;
      String sql = (i & 4) != 0 ? postgresClaimWithEventsSql(byPhase, byCard) : postgresClaimSql(byPhase, byCard);
      CLAIM_POSTGRES[i] = NamedSql.compile((i & 8) != 0 ? sql.replace("LIMIT :limit", "LIMIT 1") : sql);
    }
  }

  /**
   * The claim statement that also writes each claimed card's event (numbered in claim order, behind the
   * event fence taken shared) and adds the status counts to this connection's stripe, as sealing would.
   * Binds what {@link #postgresClaimSql} binds, plus {@code :dataHead} and {@code :dataMiddle} (see
   * {@link EventData#claimedHead}); returns each card with {@code deps}, {@code event_seq} and
   * {@code event_data}.
   */
  public static String postgresClaimWithEventsSql(boolean byPhase, boolean byCard) {
    String claim = postgresClaimSql(byPhase, byCard);
    int returning = claim.indexOf(" UPDATE cards k SET");
    return claim.substring(0, returning) + ", u AS (" + claim.substring(returning + 1, claim.indexOf(" RETURNING "))
        + " RETURNING " + prefixed("k") + "),"
        + " ev AS (INSERT INTO events (seq, card_id, type, actor, at, lease_token, data)"
        + " SELECT nextval('event_seq'), o.id, 'claimed', :owner, o.lease_claimed_at, o.lease_token,"
        + " :dataHead || " + isoInstantSql("o.lease_expires_at") + " || :dataMiddle || o.attempts || '}'"
        + " FROM (SELECT * FROM u ORDER BY lease_token) o"
        + FENCE_SHARED + " RETURNING seq, card_id, data),"
        + " cnt AS (INSERT INTO card_counts (status, phase, stripe, n)"
        + " SELECT s.status, s.phase, " + STRIPE + ", s.n FROM ("
        + "SELECT 'claimed' AS status, COALESCE(phase, '') AS phase, COUNT(*) AS n FROM u GROUP BY COALESCE(phase, '')"
        + " UNION ALL SELECT 'ready', COALESCE(phase, ''), -COUNT(*) FROM u GROUP BY COALESCE(phase, '')) s"
        + " ORDER BY s.status, s.phase"
        + COUNT_UPSERT + ")"
        + " SELECT u.*, " + DEPS_ARRAY.replace("{card}", "u.id") + ", ev.seq AS event_seq, ev.data AS event_data"
        + " FROM u JOIN ev ON ev.card_id = u.id";
  }

  /**
   * A PostgreSQL expression writing the timestamp {@code expr} (microsecond precision) as
   * {@link Instant#toString()} does: UTC, seconds always, the fraction in groups of three digits and only as
   * long as needed.
   */
  public static String isoInstantSql(String expr) {
    String utc = "(" + expr + " AT TIME ZONE 'UTC')";
    String micros = "MOD(CAST(EXTRACT(MICROSECONDS FROM " + utc + ") AS BIGINT), 1000000)";
    return "(to_char(" + utc + ", 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN " + micros + " = 0 THEN ''"
        + " WHEN MOD(" + micros + ", 1000) = 0 THEN '.' || LPAD(CAST(" + micros + " / 1000 AS TEXT), 3, '0')"
        + " ELSE '.' || LPAD(CAST(" + micros + " AS TEXT), 6, '0') END || 'Z')";
  }

  /**
   * The PostgreSQL claim statement. Binds {@code :limit}, {@code :owner}, {@code :ttlMicros},
   * {@code :now} (null for the database clock), and {@code :phase} / {@code :card} when asked for.
   */
  public static String postgresClaimSql(boolean byPhase, boolean byCard) {
    return "WITH c AS (SELECT id, priority, created_at FROM cards"
        + " WHERE " + Dialect.POSTGRESQL.claimable()
        + (byPhase ? " AND phase = :phase" : "")
        + (byCard ? " AND id = :card" : "")
        + " ORDER BY priority DESC, created_at, id LIMIT :limit FOR UPDATE SKIP LOCKED),"
        + " t AS (SELECT id, nextval('lease_tokens') AS token FROM c ORDER BY priority DESC, created_at, id),"
        + " n AS (SELECT COALESCE(CAST(:now AS TIMESTAMPTZ), CURRENT_TIMESTAMP) AS at)"
        + " UPDATE cards k SET status = 'claimed', attempts = k.attempts + 1, lease_owner = :owner,"
        + " lease_token = t.token, lease_claimed_at = n.at,"
        + " lease_expires_at = n.at + :ttlMicros * INTERVAL '1 microsecond',"
        + " blocked_reason = NULL, version = k.version + 1, updated_at = n.at"
        + " FROM t, n WHERE k.id = t.id RETURNING " + prefixed("k") + ", " + DEPS_ARRAY.replace("{card}", "k.id");
  }

  /** A PostgreSQL column expression {@code deps}: the ids a card ({@code {card}}) depends on, as an array. */
  private static final String DEPS_ARRAY = "ARRAY(SELECT e.depends_on FROM card_deps e WHERE e.card_id = {card})"
      + " AS deps";

  /** The card of a row that has a {@link #DEPS_ARRAY} column, with its dependencies. */
  private static Card mapCardWithDeps(ResultSet rs) throws SQLException {
    Card card = mapCard(rs);
    java.sql.Array array = rs.getArray("deps");
    if (array == null) {
      return card;
    }
    try {
      Object[] ids = (Object[]) array.getArray();
      if (ids.length == 0) {
        return card;
      }
      List<CardId> deps = new ArrayList<>(ids.length);
      for (Object id : ids) {
        deps.add(CardId.of((String) id));
      }
      return card.toBuilder().dependsOn(deps).build();
    } finally {
      array.free();
    }
  }

  /**
   * H2 locks every row matching a {@code FOR UPDATE} query's WHERE before it applies FETCH, so the
   * claim never locks a range: it reads a window of candidate ids in claim order without locks
   * (served by the {@code cards_claim_order} index), then takes candidates one at a time with a
   * single-row {@code FOR UPDATE SKIP LOCKED} probe by primary key followed by a conditional update.
   * A probe that finds the row locked or no longer claimable lost a race: the claimer moves on to a
   * random later candidate, so concurrent claimers spread over the window instead of queueing.
   */
  private List<Card> claimH2(ClaimRequest request) {
    Instant at = now();
    Instant expires = at.plus(Duration.of(micros(request.ttl()), ChronoUnit.MICROS));
    List<Card> claimed = new ArrayList<>();
    if (request.cardId() != null) {
      tryClaimH2(request.cardId(), request, at, expires).ifPresent(claimed::add);
      return claimed;
    }
    Set<CardId> tried = new HashSet<>();
    int window = Math.max(H2_WINDOW, request.limit() * 2);
    boolean contended = false;
    while (claimed.size() < request.limit()) {
      List<CardId> ids = claimWindowH2(request.phase(), window);
      List<CardId> candidates = new ArrayList<>();
      for (CardId id : ids) {
        if (!tried.contains(id)) {
          candidates.add(id);
        }
      }
      if (candidates.isEmpty()) {
        if (ids.size() < window || window >= H2_MAX_WINDOW) {
          break;
        }
        window = Math.min(H2_MAX_WINDOW, window * 2);
        continue;
      }
      while (!candidates.isEmpty() && claimed.size() < request.limit()) {
        int pick = contended ? ThreadLocalRandom.current().nextInt(candidates.size()) : 0;
        CardId id = candidates.remove(pick);
        tried.add(id);
        Optional<Card> card = tryClaimH2(id, request, at, expires);
        if (card.isPresent()) {
          claimed.add(card.get());
        } else {
          contended = true;
        }
      }
    }
    return claimed;
  }

  /**
   * The H2 query for a window of candidates, in claim order: ordering by the equality columns too
   * matches the index {@code cards_claim_order} (or {@code cards_claim_order_by_phase}) column for
   * column, so H2 reads the index in order instead of sorting. Binds {@code :w} and {@code :phase}.
   */
  public static String h2WindowSql(boolean byPhase) {
    return byPhase
        ? "SELECT id FROM cards WHERE status = 'ready' AND unmet_deps = 0 AND phase = :phase"
            + " ORDER BY status, unmet_deps, phase, priority DESC, created_at, id LIMIT :w"
        : "SELECT id FROM cards WHERE status = 'ready' AND unmet_deps = 0"
            + " ORDER BY status, unmet_deps, priority DESC, created_at, id LIMIT :w";
  }

  private static final NamedSql[] WINDOW_H2 = {NamedSql.compile(h2WindowSql(false)),
      NamedSql.compile(h2WindowSql(true))};
  private static final NamedSql[] PROBE_H2 = {NamedSql.compile(probeH2Sql(false)), NamedSql.compile(probeH2Sql(true))};
  private static final NamedSql[] TAKE_H2 = {NamedSql.compile(takeH2Sql(false)), NamedSql.compile(takeH2Sql(true))};

  private static String claimableH2(boolean byPhase) {
    return "id = :id AND status = 'ready' AND unmet_deps = 0" + (byPhase ? " AND phase = :phase" : "");
  }

  private static String probeH2Sql(boolean byPhase) {
    return "SELECT id FROM cards WHERE " + claimableH2(byPhase) + " FOR UPDATE SKIP LOCKED";
  }

  private static String takeH2Sql(boolean byPhase) {
    return "SELECT " + CARD_COLUMNS + " FROM FINAL TABLE (UPDATE cards SET"
        + " status = 'claimed', attempts = attempts + 1, lease_owner = :owner,"
        + " lease_token = " + Dialect.H2.nextToken() + ", lease_claimed_at = :at, lease_expires_at = :expires,"
        + " blocked_reason = NULL, version = version + 1, updated_at = :at WHERE " + claimableH2(byPhase) + ")";
  }

  private List<CardId> claimWindowH2(String phase, int window) {
    return rows(WINDOW_H2[phase != null ? 1 : 0], b -> {
      b.set("w", window, java.sql.Types.INTEGER);
      if (phase != null) {
        b.set("phase", phase, java.sql.Types.VARCHAR);
      }
    }, rs -> CardId.of(rs.getString(1)));
  }

  private Optional<Card> tryClaimH2(CardId id, ClaimRequest request, Instant at, Instant expires) {
    int byPhase = request.phase() != null ? 1 : 0;
    Bind which = b -> {
      b.set("id", id.value(), java.sql.Types.VARCHAR);
      if (request.phase() != null) {
        b.set("phase", request.phase(), java.sql.Types.VARCHAR);
      }
    };
    if (rows(PROBE_H2[byPhase], which, rs -> rs.getString(1)).isEmpty()) {
      return Optional.empty();
    }
    return rows(TAKE_H2[byPhase], b -> {
      which.to(b);
      b.set("owner", request.owner(), java.sql.Types.VARCHAR)
          .set("at", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
          .set("expires", odt(expires), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
    }, JdbcTransaction::mapCard).stream().findFirst();
  }

  // ---------------------------------------------------------------- lease holder operations

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl, String actor) {
    Card card = lock(id);
    Card next = Transitions.renew(card, token, Duration.of(micros(ttl), ChronoUnit.MICROS), now());
    write(card, next);
    event(next, EventType.RENEWED, actor, token, EventData.renewed(next));
    return next;
  }

  @Override
  public Card complete(CardId id, LeaseToken token, String actor) {
    if (dialect == Dialect.POSTGRESQL) {
      boolean inline = inlineEvents();
      Optional<Card> done = completeHeldLeasePostgres(id, token, inline ? actor : null);
      if (done.isPresent()) {
        Card next = done.get();
        if (!inline) {
          count(CardStatus.CLAIMED, next.phase(), -1);
          count(CardStatus.DONE, next.phase(), 1);
          event(next, EventType.COMPLETED, actor, token, EventData.completed(CardStatus.CLAIMED, false));
        }
        return next;
      }
      // Not the current, unexpired lease (or no such card): the general path below says exactly why.
    }
    Card card = lock(id);
    Card next = Transitions.complete(card, token, now());
    write(card, next);
    statusChanged(card, next);
    event(next, EventType.COMPLETED, actor, token, EventData.completed(CardStatus.CLAIMED, false));
    return next;
  }

  /**
   * The common completion on PostgreSQL in one round trip: when {@code token} is the card's current,
   * unexpired lease, flips the card to done (as {@link Transitions#complete} would), then locks its
   * dependents in id order and decrements their counters, and returns the card with its dependencies.
   * Empty when the lease does not hold; nothing changed then.
   */
  private Optional<Card> completeHeldLeasePostgres(CardId id, LeaseToken token, String eventActor) {
    boolean readClock = now == null && clock == null;
    boolean inline = eventActor != null;
    NamedSql sql = inline ? COMPLETE_HELD_WITH_EVENT_POSTGRES : COMPLETE_HELD_POSTGRES;
    String data = EventData.completed(CardStatus.CLAIMED, false);
    Card card = null;
    long unblocked = 0;
    long seq = 0;
    try (java.sql.PreparedStatement ps = sql.prepare(connection)) {
      NamedSql.Binder b = sql.binder(ps).set("id", id.value(), java.sql.Types.VARCHAR)
          .set("token", token.value(), java.sql.Types.BIGINT)
          .set("now", readClock ? null : odt(now()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      if (inline) {
        b.set("actor", eventActor, java.sql.Types.VARCHAR).set("data", data, java.sql.Types.VARCHAR);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          unblocked = rs.getLong("unblocked");
          card = mapCardWithDeps(rs);
          if (inline) {
            seq = rs.getLong("event_seq");
          }
        }
      }
    } catch (SQLException e) {
      throw failed(e);
    }
    if (card == null) {
      return Optional.empty();
    }
    if (readClock && now == null) {
      now = card.updatedAt();
    }
    if (unblocked > 0) {
      wakesWaiters = true;
    }
    if (inline) {
      sealed.add(new Event(seq, card.id(), EventType.COMPLETED, eventActor, card.updatedAt(), token, data));
    }
    return Optional.of(card);
  }

  private static final String COMPLETE_HELD_CTES =
      "WITH n AS (SELECT COALESCE(CAST(:now AS TIMESTAMPTZ), CURRENT_TIMESTAMP) AS at),"
      + " u AS (UPDATE cards k SET status = 'done', lease_owner = NULL, lease_token = NULL, lease_claimed_at = NULL,"
      + " lease_expires_at = NULL, version = k.version + 1, updated_at = n.at FROM n WHERE k.id = :id"
      + " AND k.status = 'claimed' AND k.lease_token = :token AND k.lease_expires_at > n.at RETURNING "
      + prefixed("k") + "),"
      + " d AS (SELECT c.id FROM cards c WHERE c.id IN (SELECT card_id FROM card_deps WHERE depends_on = :id)"
      + " AND EXISTS (SELECT 1 FROM u) ORDER BY c.id FOR UPDATE),"
      + " x AS (UPDATE cards SET unmet_deps = cards.unmet_deps - 1 FROM d WHERE cards.id = d.id"
      + " RETURNING cards.status = 'ready' AND cards.unmet_deps = 0 AS claimable)";

  private static final String COMPLETE_HELD_RESULT = " SELECT u.*, " + DEPS_ARRAY.replace("{card}", "u.id")
      + ", (SELECT COUNT(*) FROM x WHERE x.claimable) AS unblocked";

  private static final NamedSql COMPLETE_HELD_POSTGRES = NamedSql.compile(COMPLETE_HELD_CTES + COMPLETE_HELD_RESULT
      + " FROM u");

  /**
   * The held-lease completion that also writes the card's event (behind the event fence taken shared) and
   * adds the status counts to this connection's stripe, as sealing would; binds {@code :actor} and
   * {@code :data} besides, and returns {@code event_seq}.
   */
  private static final NamedSql COMPLETE_HELD_WITH_EVENT_POSTGRES = NamedSql.compile(COMPLETE_HELD_CTES + ","
      + " ev AS (INSERT INTO events (seq, card_id, type, actor, at, lease_token, data)"
      + " SELECT nextval('event_seq'), u.id, 'completed', :actor, u.updated_at, CAST(:token AS BIGINT), :data FROM u"
      + FENCE_SHARED + " RETURNING seq),"
      + " cnt AS (INSERT INTO card_counts (status, phase, stripe, n)"
      + " SELECT s.status, s.phase, " + STRIPE + ", s.n FROM ("
      + "SELECT 'claimed' AS status, COALESCE(phase, '') AS phase, CAST(-1 AS BIGINT) AS n FROM u"
      + " UNION ALL SELECT 'done', COALESCE(phase, ''), CAST(1 AS BIGINT) FROM u) s ORDER BY s.status, s.phase"
      + COUNT_UPSERT + ")"
      + COMPLETE_HELD_RESULT + ", (SELECT seq FROM ev) AS event_seq FROM u");

  @Override
  public List<Card> completeAll(List<Claim> claims, String actor) {
    List<CardId> ids = claims.stream().map(c -> c.card().id()).toList();
    Map<CardId, Card> locked = lockAll(ids);
    Instant at = now();
    List<Card> before = new ArrayList<>(claims.size());
    List<Card> after = new ArrayList<>(claims.size());
    for (Claim claim : claims) {
      Card card = locked.get(claim.card().id());
      if (card == null) {
        throw new CardNotFoundException(claim.card().id());
      }
      before.add(card);
      after.add(Transitions.complete(card, claim.token(), at));
    }
    // A claimed card may have been linked to another card of the batch since; one statement cannot update a
    // row both as a completed card and as a dependent, so such a batch goes card by card.
    Set<CardId> batch = new HashSet<>(ids);
    boolean linkedWithin = before.stream().anyMatch(c -> c.dependsOn().stream().anyMatch(batch::contains));
    if (dialect == Dialect.POSTGRESQL && !linkedWithin) {
      completeLockedPostgres(ids, at);
      for (Card next : after) {
        count(CardStatus.CLAIMED, next.phase(), -1);
        count(CardStatus.DONE, next.phase(), 1);
      }
    } else {
      for (int i = 0; i < before.size(); i++) {
        write(before.get(i), after.get(i));
        statusChanged(before.get(i), after.get(i));
      }
    }
    for (int i = 0; i < claims.size(); i++) {
      event(after.get(i), EventType.COMPLETED, actor, claims.get(i).token(),
          EventData.completed(CardStatus.CLAIMED, false));
    }
    return List.copyOf(after);
  }

  /** Reads the named cards that exist, with their dependencies, locking their rows in id order. */
  private Map<CardId, Card> lockAll(List<CardId> ids) {
    Map<CardId, Card> out = new HashMap<>();
    List<String> sorted = ids.stream().map(CardId::value).sorted().distinct().toList();
    if (dialect == Dialect.POSTGRESQL) {
      boolean readClock = now == null && clock == null;
      java.sql.Connection c = connection;
      try (java.sql.PreparedStatement ps = LOCK_ALL_POSTGRES.prepare(c)) {
        LOCK_ALL_POSTGRES.binder(ps).set("ids", c.createArrayOf("varchar", sorted.toArray(new String[0])),
            java.sql.Types.ARRAY);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (readClock && now == null) {
              now = instant(rs, "tx_now").truncatedTo(ChronoUnit.MICROS);
            }
            Card card = mapCardWithDeps(rs);
            out.put(card.id(), card);
          }
        }
      } catch (SQLException e) {
        throw failed(e);
      }
      return out;
    }
    List<Card> cards = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i += IN_CHUNK) {
      List<String> chunk = sorted.subList(i, Math.min(sorted.size(), i + IN_CHUNK));
      cards.addAll(rowsIn("SELECT " + CARD_COLUMNS + " FROM cards WHERE id", chunk, " ORDER BY id FOR UPDATE",
          JdbcTransaction::mapCard));
    }
    Map<CardId, SortedSet<CardId>> deps = dependenciesOf(cards.stream().map(Card::id).toList());
    for (Card card : cards) {
      out.put(card.id(), card.toBuilder().dependsOn(deps.getOrDefault(card.id(), Collections.emptySortedSet()))
          .build());
    }
    return out;
  }

  private static final NamedSql LOCK_ALL_POSTGRES = NamedSql.compile("SELECT " + CARD_COLUMNS + ", "
      + DEPS_ARRAY.replace("{card}", "cards.id") + ", CURRENT_TIMESTAMP(6) AS tx_now FROM cards"
      + " WHERE id = ANY (CAST(:ids AS VARCHAR[])) ORDER BY id FOR UPDATE");

  /**
   * Completes locked cards whose leases were checked, in one statement: flips them to done (as
   * {@link Transitions#complete} did in memory), then locks their dependents in id order and lowers each
   * one's counter by the number of its dependencies in the batch.
   */
  private void completeLockedPostgres(List<CardId> ids, Instant at) {
    java.sql.Connection c = connection;
    long updated;
    long unblocked;
    try (java.sql.PreparedStatement ps = COMPLETE_LOCKED_POSTGRES.prepare(c)) {
      COMPLETE_LOCKED_POSTGRES.binder(ps)
          .set("ids", c.createArrayOf("varchar", ids.stream().map(CardId::value).toArray(String[]::new)),
              java.sql.Types.ARRAY)
          .set("at", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        updated = rs.getLong("updated");
        unblocked = rs.getLong("unblocked");
      }
    } catch (SQLException e) {
      throw failed(e);
    }
    if (updated != ids.size()) {
      throw new IllegalStateException("completing " + ids.size() + " locked cards updated " + updated);
    }
    if (unblocked > 0) {
      wakesWaiters = true;
    }
  }

  private static final NamedSql COMPLETE_LOCKED_POSTGRES = NamedSql.compile(
      "WITH u AS (UPDATE cards k SET status = 'done', lease_owner = NULL, lease_token = NULL,"
      + " lease_claimed_at = NULL, lease_expires_at = NULL, version = k.version + 1,"
      + " updated_at = CAST(:at AS TIMESTAMPTZ) WHERE k.id = ANY (CAST(:ids AS VARCHAR[])) RETURNING k.id),"
      + " dd AS (SELECT e.card_id AS id, COUNT(*) AS n FROM card_deps e WHERE e.depends_on IN (SELECT id FROM u)"
      + " GROUP BY e.card_id),"
      + " d AS (SELECT c.id, dd.n FROM cards c JOIN dd ON dd.id = c.id ORDER BY c.id FOR UPDATE OF c),"
      + " x AS (UPDATE cards SET unmet_deps = cards.unmet_deps - d.n FROM d WHERE cards.id = d.id"
      + " RETURNING cards.status = 'ready' AND cards.unmet_deps = 0 AS claimable)"
      + " SELECT (SELECT COUNT(*) FROM u) AS updated, (SELECT COUNT(*) FROM x WHERE x.claimable) AS unblocked");

  @Override
  public Card forceComplete(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.forceComplete(card, now());
    write(card, next);
    statusChanged(card, next);
    event(next, EventType.COMPLETED, actor, null, EventData.completed(card.status(), true));
    return next;
  }

  @Override
  public Card release(CardId id, LeaseToken token, String actor) {
    Card card = lock(id);
    Card next = Transitions.release(card, token, now());
    write(card, next);
    event(next, EventType.RELEASED, actor, token, EventData.empty());
    return next;
  }

  @Override
  public Card fail(CardId id, LeaseToken token, String reason, int defaultMaxAttempts, String actor) {
    Card card = lock(id);
    Card next = Transitions.fail(card, token, reason, defaultMaxAttempts, now());
    write(card, next);
    event(next, EventType.FAILED, actor, token, EventData.failed(reason, next));
    return next;
  }

  private static final NamedSql LAPSED = NamedSql.compile("SELECT " + CARD_COLUMNS + " FROM cards"
      + " WHERE status = 'claimed' AND lease_expires_at <= :now ORDER BY id FOR UPDATE SKIP LOCKED");

  @Override
  public List<CardId> reclaimExpired(int defaultMaxAttempts, String actor) {
    Instant at = now();
    List<Card> lapsed = rows(LAPSED, b -> b.set("now", odt(at), java.sql.Types.TIMESTAMP_WITH_TIMEZONE),
        JdbcTransaction::mapCard);
    if (lapsed.isEmpty()) {
      return List.of();
    }
    Map<CardId, SortedSet<CardId>> deps = dependenciesOf(lapsed.stream().map(Card::id).toList());
    List<Card> sorted = new ArrayList<>();
    for (Card c : lapsed) {
      sorted.add(c.toBuilder().dependsOn(deps.getOrDefault(c.id(), Collections.emptySortedSet())).build());
    }
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    List<CardId> reclaimed = new ArrayList<>();
    for (Card card : sorted) {
      Card next = Transitions.expire(card, defaultMaxAttempts, at);
      write(card, next);
      event(next, EventType.RECLAIMED, actor, card.lease().token(), EventData.reclaimed(card, next, true));
      reclaimed.add(card.id());
    }
    return reclaimed;
  }

  @Override
  public Card reclaim(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.reclaim(card, now());
    write(card, next);
    event(next, EventType.RECLAIMED, actor, card.lease().token(),
        EventData.reclaimed(card, next, card.lease().isExpiredAt(now())));
    return next;
  }

  @Override
  public Card block(CardId id, String reason, String actor) {
    Card card = lock(id);
    Card next = Transitions.block(card, reason, now());
    write(card, next);
    event(next, EventType.BLOCKED, actor, null, EventData.blocked(card.status(), reason));
    return next;
  }

  @Override
  public Card unblock(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.unblock(card, now());
    write(card, next);
    event(next, EventType.UNBLOCKED, actor, null, EventData.empty());
    return next;
  }

  @Override
  public Card reopen(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.reopen(card, now());
    write(card, next);
    statusChanged(card, next);
    event(next, EventType.REOPENED, actor, null, EventData.empty());
    return next;
  }

  // ---------------------------------------------------------------- repair

  /**
   * Recomputes every card's {@code unmet_deps} from the edges and the dependencies' statuses, and
   * the per-status counts from the cards.
   *
   * @return how many cards had a wrong counter
   */
  public int recount() {
    String truth = "(SELECT COUNT(*) FROM card_deps e LEFT JOIN cards d ON d.id = e.depends_on"
        + " WHERE e.card_id = cards.id AND (d.id IS NULL OR NOT (d.status = 'done')))";
    int fixed = handle().createUpdate("UPDATE cards SET unmet_deps = " + truth + " WHERE NOT (unmet_deps = " + truth
        + ")").execute();
    if (dialect == Dialect.POSTGRESQL) {
      // The status counts too. The table lock waits for every transaction that already added counts and
      // makes later ones wait until this one commits: their cards' changes are not in the count below,
      // their counts are added on top of it.
      handle().createUpdate("LOCK TABLE card_counts IN EXCLUSIVE MODE").execute();
      handle().createUpdate("DELETE FROM card_counts").execute();
      handle().createUpdate("INSERT INTO card_counts (status, phase, stripe, n) SELECT status, COALESCE(phase, ''), 0,"
          + " COUNT(*) FROM cards GROUP BY status, COALESCE(phase, '')").execute();
      return fixed;
    }
    // The status counts too, under the event_counter row like every other writer of card_counts.
    handle().createUpdate("UPDATE event_counter SET last_seq = last_seq WHERE id = 1").execute();
    handle().createUpdate("DELETE FROM card_counts").execute();
    handle().createUpdate("INSERT INTO card_counts (status, phase, n) SELECT status, COALESCE(phase, ''), COUNT(*)"
        + " FROM cards GROUP BY status, COALESCE(phase, '')").execute();
    return fixed;
  }

  // ---------------------------------------------------------------- helpers

  private void event(Card card, EventType type, String actor, LeaseToken token, String data) {
    pending.add(new PendingEvent(card.id(), type, actor, token, data));
    // A completion wakes claimers only when it has dependents (see statusChanged), since only then may
    // work have become claimable.
    if (type != EventType.CLAIMED && type != EventType.RENEWED && type != EventType.BLOCKED
        && type != EventType.LINKED && type != EventType.COMPLETED) {
      wakesWaiters = true;
    }
  }

  private void checkForwardReferences() {
    if (forwardReferences.isEmpty()) {
      return;
    }
    for (CardId id : List.copyOf(forwardReferences)) {
      List<CardId> deps = rows(DEPENDENCIES, b -> b.set("id", id.value(), java.sql.Types.VARCHAR),
          rs -> CardId.of(rs.getString(1)));
      Map<CardId, CardStatus> statuses = lockStatuses(deps);
      SortedSet<CardId> missing = new TreeSet<>();
      int unmet = 0;
      for (CardId dep : deps) {
        CardStatus status = statuses.get(dep);
        if (status == null) {
          missing.add(dep);
        }
        if (status != CardStatus.DONE) {
          unmet++;
        }
      }
      if (!missing.isEmpty()) {
        throw new UnknownDependencyException(id, missing);
      }
      // Dependencies created by other transactions meanwhile may already be done.
      int counted = unmet;
      update(SET_UNMET, b -> b.set("unmet", counted, java.sql.Types.INTEGER).set("id", id.value(),
          java.sql.Types.VARCHAR));
      forwardReferences.remove(id);
    }
  }

  private boolean exists(CardId id) {
    return rows(EXISTS, b -> b.set("id", id.value(), java.sql.Types.VARCHAR), rs -> rs.getInt(1)).get(0) > 0;
  }

  private boolean hasDependents(CardId id) {
    return rows(HAS_DEPENDENTS, b -> b.set("id", id.value(), java.sql.Types.VARCHAR), rs -> rs.getInt(1)).get(0) > 0;
  }

  private void lockGraph() {
    update(LOCK_GRAPH, b -> { });
  }

  private java.util.function.Function<CardId, Collection<CardId>> dependencyReader() {
    Map<CardId, Collection<CardId>> cache = new HashMap<>();
    return id -> cache.computeIfAbsent(id, k -> rows(DEPENDENCIES, b -> b.set("id", k.value(), java.sql.Types.VARCHAR),
        rs -> CardId.of(rs.getString(1))));
  }

  /** Locks the named cards that exist (in id order) and returns their statuses. */
  private Map<CardId, CardStatus> lockStatuses(Collection<CardId> ids) {
    Map<CardId, CardStatus> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<String> sorted = ids.stream().map(CardId::value).sorted().distinct().toList();
    for (int i = 0; i < sorted.size(); i += IN_CHUNK) {
      List<String> chunk = sorted.subList(i, Math.min(sorted.size(), i + IN_CHUNK));
      for (Map.Entry<CardId, CardStatus> e : rowsIn("SELECT id, status FROM cards WHERE id", chunk,
          " ORDER BY id " + dialect.shareLock(), rs -> Map.entry(CardId.of(rs.getString(1)), status(rs.getString(2))))) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private Card require(CardId id) {
    return find(id).orElseThrow(() -> new CardNotFoundException(id));
  }

  /**
   * Reads a card with its dependencies and a row lock held until the transaction ends (on PostgreSQL in one
   * round trip, which also reads the transaction's time when it is the database's).
   */
  private Card lock(CardId id) {
    Card card = lockAll(List.of(id)).get(id);
    if (card == null) {
      throw new CardNotFoundException(id);
    }
    return card;
  }

  /** Writes every column a transition may change, and notes a status change for the counts. */
  private void write(Card before, Card next) {
    statusCounts(before, next);
    Lease lease = next.lease();
    update(WRITE_CARD, b -> b.set("status", next.status().wireName(), java.sql.Types.VARCHAR)
        .set("attempts", next.attempts(), java.sql.Types.INTEGER)
        .set("owner", lease == null ? null : lease.owner(), java.sql.Types.VARCHAR)
        .set("token", lease == null ? null : lease.token().value(), java.sql.Types.BIGINT)
        .set("claimedAt", lease == null ? null : odt(lease.claimedAt()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
        .set("expiresAt", lease == null ? null : odt(lease.expiresAt()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
        .set("reason", next.blockedReason(), java.sql.Types.VARCHAR)
        .set("updatedAt", odt(next.updatedAt()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
        .set("version", next.version(), java.sql.Types.BIGINT).set("id", next.id().value(), java.sql.Types.VARCHAR));
  }

  private void writeVersion(Card next) {
    update(WRITE_VERSION, b -> b.set("updatedAt", odt(next.updatedAt()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
        .set("version", next.version(), java.sql.Types.BIGINT).set("id", next.id().value(), java.sql.Types.VARCHAR));
  }

  private void adjustUnmet(CardId id, int delta) {
    update(ADJUST_UNMET, b -> b.set("delta", delta, java.sql.Types.INTEGER).set("id", id.value(),
        java.sql.Types.VARCHAR));
  }

  /** Keeps dependents' counters right when a card becomes done or stops being done. */
  private void statusChanged(Card before, Card after) {
    boolean wasDone = before.status() == CardStatus.DONE;
    boolean isDone = after.status() == CardStatus.DONE;
    if (wasDone == isDone) {
      return;
    }
    if (dialect == Dialect.POSTGRESQL) {
      int changed = update(DEPENDENTS_DONE_POSTGRES, b -> b.set("delta", isDone ? -1 : 1, java.sql.Types.INTEGER)
          .set("id", before.id().value(), java.sql.Types.VARCHAR));
      if (changed > 0 && isDone) {
        wakesWaiters = true;
      }
      return;
    }
    // Lock the dependents in id order first, so that two completions never wait on each other in a cycle.
    List<String> dependents = rows(LOCK_DEPENDENTS_H2, b -> b.set("id", before.id().value(), java.sql.Types.VARCHAR),
        rs -> rs.getString(1));
    if (dependents.isEmpty()) {
      return;
    }
    if (isDone) {
      wakesWaiters = true;
    }
    update(DEPENDENTS_DONE_H2, b -> b.set("delta", isDone ? -1 : 1, java.sql.Types.INTEGER)
        .set("id", before.id().value(), java.sql.Types.VARCHAR));
  }

  private Card withDependencies(Card card) {
    List<CardId> deps = rows(DEPENDENCIES, b -> b.set("id", card.id().value(), java.sql.Types.VARCHAR),
        rs -> CardId.of(rs.getString(1)));
    return deps.isEmpty() ? card : card.toBuilder().dependsOn(deps).build();
  }

  private List<Card> withDependencies(List<Card> cards, String filter, CardQuery query) {
    if (cards.isEmpty()) {
      return cards;
    }
    Map<CardId, SortedSet<CardId>> deps;
    if (cards.size() <= IN_CHUNK * 4) {
      deps = dependenciesOf(cards.stream().map(Card::id).toList());
    } else {
      deps = new HashMap<>();
      for (CardId[] edge : rows(NamedSql.compile("SELECT e.card_id, e.depends_on FROM card_deps e JOIN cards"
          + " ON cards.id = e.card_id WHERE 1 = 1" + filter), b -> bindFilter(b, query),
          rs -> new CardId[] {CardId.of(rs.getString(1)), CardId.of(rs.getString(2))})) {
        deps.computeIfAbsent(edge[0], k -> new TreeSet<>()).add(edge[1]);
      }
    }
    List<Card> out = new ArrayList<>(cards.size());
    for (Card c : cards) {
      SortedSet<CardId> d = deps.get(c.id());
      out.add(d == null ? c : c.toBuilder().dependsOn(d).build());
    }
    return out;
  }

  private Map<CardId, SortedSet<CardId>> dependenciesOf(List<CardId> ids) {
    Map<CardId, SortedSet<CardId>> deps = new HashMap<>();
    for (int i = 0; i < ids.size(); i += IN_CHUNK) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IN_CHUNK)).stream().map(CardId::value).toList();
      for (CardId[] edge : rowsIn("SELECT card_id, depends_on FROM card_deps WHERE card_id", chunk, "",
          rs -> new CardId[] {CardId.of(rs.getString(1)), CardId.of(rs.getString(2))})) {
        deps.computeIfAbsent(edge[0], key -> new TreeSet<>()).add(edge[1]);
      }
    }
    return deps;
  }

  static String prefixed(String alias) {
    StringBuilder sb = new StringBuilder();
    for (String col : CARD_COLUMNS.split(",")) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(alias).append('.').append(col.strip());
    }
    return sb.toString();
  }

  static Card mapCard(ResultSet rs) throws SQLException {
    long token = rs.getLong("lease_token");
    Lease lease = rs.wasNull() ? null : new Lease(rs.getString("lease_owner"), LeaseToken.of(token),
        instant(rs, "lease_claimed_at"), instant(rs, "lease_expires_at"));
    int maxAttempts = rs.getInt("max_attempts");
    Integer max = rs.wasNull() ? null : maxAttempts;
    return Card.builder()
        .id(CardId.of(rs.getString("id"))).title(rs.getString("title")).body(rs.getString("body"))
        .phase(rs.getString("phase")).priority(rs.getInt("priority")).status(status(rs.getString("status")))
        .acceptance(rs.getString("acceptance")).idempotencyKey(rs.getString("idempotency_key"))
        .attempts(rs.getInt("attempts")).maxAttempts(max).lease(lease).blockedReason(rs.getString("blocked_reason"))
        .createdAt(instant(rs, "created_at")).updatedAt(instant(rs, "updated_at")).version(rs.getLong("version"))
        .build();
  }

  static Event mapEvent(ResultSet rs) throws SQLException {
    long token = rs.getLong("lease_token");
    LeaseToken leaseToken = rs.wasNull() ? null : LeaseToken.of(token);
    return new Event(rs.getLong("seq"), CardId.of(rs.getString("card_id")),
        EventType.valueOf(rs.getString("type").toUpperCase(Locale.ROOT)), rs.getString("actor"), instant(rs, "at"),
        leaseToken, rs.getString("data"));
  }

  static CardStatus status(String wire) {
    return CardStatus.valueOf(wire.toUpperCase(Locale.ROOT));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static OffsetDateTime odt(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static long micros(Duration d) {
    return Math.max(1, d.toNanos() / 1_000);
  }
}
