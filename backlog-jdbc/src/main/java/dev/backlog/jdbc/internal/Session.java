package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Handle;

/**
 * The owner of one store transaction's connection and of what the transaction has done so far: its
 * time, the events waiting to be numbered, the events written, the status-count changes not yet
 * applied, and whether it may have made work claimable. Every statement of the transaction runs on
 * its one connection: plain prepared statements through {@link #rows} and {@link #update}, JDBI
 * statements through {@link #handle()}, a JDBI handle that owns the same connection. A transaction
 * starts on a bare pooled connection (claims, creates and completions never need more); the first
 * JDBI statement moves it onto a handle: before any statement ran, by swapping the connection for a
 * handle's; after, by having the engine run the work again on a handle ({@link JdbiNeeded}).
 *
 * <p>Not thread-safe: used by one thread while its transaction runs.
 */
public final class Session {

  /** Values per {@code IN (…)} list. */
  static final int IN_CHUNK = 500;

  private static final NamedSql NOW = NamedSql.compile("SELECT CURRENT_TIMESTAMP(6)");

  /** An event of the transaction waiting to be numbered. */
  record PendingEvent(CardId cardId, EventType type, String actor, LeaseToken token, String data) {}

  /** A status-count row: a status within a phase ({@code ""} for none). */
  record CountKey(CardStatus status, String phase) {}

  /**
   * Thrown by {@link #handle()} when the transaction runs on a bare connection on which statements
   * have already run: the engine rolls back and runs the work again on a handle.
   */
  static final class JdbiNeeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JdbiNeeded() {
      super("this transaction needs JDBI, which the store had not started", null, false, false);
    }
  }

  /** Reads one row of a plain JDBC result. */
  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Binds a plain JDBC statement's parameters by name. */
  @FunctionalInterface
  interface Bind {
    void to(NamedSql.Binder b) throws SQLException;
  }

  /** What to do with a statement once its parameters are bound. */
  @FunctionalInterface
  interface Run<R> {
    R on(PreparedStatement ps) throws SQLException;
  }

  /**
   * The link of a transaction that gave its bare connection back and could not take a handle's: it
   * holds no connection, so there is nothing to roll back or return.
   */
  private static final Database.Link RELEASED = new Database.Link(null, null);

  private final Database database;
  private Database.Link link;
  private boolean touched;
  private final InstantSource clock;
  private Instant now;
  final List<PendingEvent> pending = new ArrayList<>();
  final List<Event> sealed = new ArrayList<>();

  /** Changes to card_counts, applied when the events are numbered. */
  final Map<CountKey, Long> countDeltas = new HashMap<>();

  private boolean wakesWaiters;

  private final String where;
  private final ToIntFunction<Connection> serverProcessOf;

  /** The server process serving the connection, once read; -1 before. */
  private int serverProcess = -1;

  private final boolean singleOperation;
  private final long eventFloor;
  private final SoleStatement earlier;
  private boolean earlierTaken;
  private SoleStatement sole;
  private boolean severalStatements;

  /**
   * Opens a transaction: takes a connection (a JDBI handle when {@code onHandle}) and turns
   * auto-commit off. Close it with {@link #close()}.
   *
   * @param database where the connection comes from
   * @param onHandle whether to start on a JDBI handle
   * @param clock the injected clock, or null to judge time by the database clock
   * @param where the database for messages, without secrets
   * @param serverProcessOf the database server process serving a connection, read without a round
   *     trip (0 when unknown: {@link SqlDialect#serverProcess})
   * @param singleOperation whether the work is one operation and nothing else, whose statement may
   *     then commit on its own ({@link #soleStatement})
   * @param eventFloor the highest event seq the store has seen
   * @param earlier the statement an earlier attempt of this transaction committed on its own, or
   *     null
   * @throws SQLException when no connection can be had
   */
  Session(
      Database database,
      boolean onHandle,
      InstantSource clock,
      String where,
      ToIntFunction<Connection> serverProcessOf,
      boolean singleOperation,
      long eventFloor,
      SoleStatement earlier)
      throws SQLException {
    this.database = database;
    this.clock = clock;
    this.where = where;
    this.serverProcessOf = serverProcessOf;
    this.singleOperation = singleOperation;
    this.eventFloor = eventFloor;
    this.earlier = earlier;
    this.link = onHandle ? database.openHandle() : database.open();
    begin(link);
  }

  private static void begin(Database.Link link) throws SQLException {
    try {
      link.connection().setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      try {
        link.close();
      } catch (SQLException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The transaction's connection; null when it holds none (it gave its bare connection back and
   * could not take a handle's).
   */
  Connection connection() {
    return link.connection();
  }

  /** The database for messages, without secrets. */
  String where() {
    return where;
  }

  /**
   * The database server process serving this transaction's connection (0 when unknown), read from
   * the driver once per connection: a lookup after a lost answer waits for it.
   */
  int serverProcess() {
    if (serverProcess < 0) {
      serverProcess = serverProcessOf.applyAsInt(connection());
    }
    return serverProcess;
  }

  /**
   * The JDBI handle on this transaction's connection.
   *
   * @throws JdbiNeeded when statements already ran on a bare connection
   */
  Handle handle() {
    if (link.handle() != null) {
      return link.handle();
    }
    if (touched) {
      throw new JdbiNeeded();
    }
    // The bare connection goes back to the pool before the handle takes one: a transaction that
    // held one connection while waiting for a second would deadlock a pool that every caller
    // drained this way (200 event streams on a pool of 16 did).
    Database.Link bare = link;
    try {
      bare.connection().setAutoCommit(true);
    } catch (SQLException e) {
      // Still on the bare connection, which the engine rolls back and returns.
      throw new SqlFailure(e);
    }
    link = RELEASED;
    try {
      bare.close();
      Database.Link onHandle = database.openHandle();
      begin(onHandle);
      link = onHandle;
      serverProcess = -1;
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    return link.handle();
  }

  /**
   * Ends the transaction's hold on its connection: restores auto-commit (unless the connection is
   * {@code broken}) and returns it.
   */
  void close(boolean broken) {
    if (link == RELEASED) {
      return;
    }
    try {
      if (!broken) {
        link.connection().setAutoCommit(true);
      }
      link.close();
    } catch (SQLException | RuntimeException ignored) {
      // The transaction ended before; a failure to return the connection must not hide the outcome.
    }
  }

  // ---------------------------------------------------------------- statements that commit alone

  /**
   * A statement for {@code operation} that may be its transaction's only one and commit with it, in
   * its own round trip, when run through {@link #run(NamedSql, Bind, Run, SoleStatement)}; null
   * when it must not. It may when the work is a single operation, no statement ran yet on a bare
   * connection, nothing waits to be written, and the operation will run one statement (see {@link
   * #severalStatements}). The caller must run nothing after it that changes anything unless the
   * statement itself changed nothing. It carries the floor, its key (claims only) and the server
   * process that will run it, for the lookup when its answer is lost.
   */
  SoleStatement soleStatement(SoleStatement.Operation operation) {
    if (!singleOperation
        || severalStatements
        || touched
        || sole != null
        || link.handle() != null
        || !pending.isEmpty()
        || !countDeltas.isEmpty()) {
      return null;
    }
    // Only claim events carry a key (a completion is found by its card and lease token): random
    // and far from zero, so that a batch's keys (key + request) never meet another's.
    long key =
        operation.keyed() ? ThreadLocalRandom.current().nextLong(1L << 32, Long.MAX_VALUE >> 1) : 0;
    return new SoleStatement(operation, key, eventFloor, serverProcess());
  }

  /** The operation runs more than one statement: none of them may commit on its own. */
  void severalStatements() {
    severalStatements = true;
  }

  /**
   * The statement for {@code operation} that an earlier attempt of this transaction committed on
   * its own, or null; given once per attempt. The operation looks up what it did instead of running
   * it again (when it did nothing, the operation runs as if for the first time).
   */
  SoleStatement earlier(SoleStatement.Operation operation) {
    if (earlier == null || earlierTaken || earlier.operation() != operation) {
      return null;
    }
    earlierTaken = true;
    return earlier;
  }

  /**
   * The statement that committed on its own, this attempt's or an earlier attempt's: when the
   * transaction fails after (or while) it ran, the next attempt must look it up.
   */
  SoleStatement unresolved() {
    return sole != null ? sole : earlier;
  }

  // ---------------------------------------------------------------- time

  /** The transaction's time: the injected clock's or the database's, read once, in microseconds. */
  public Instant now() {
    if (now == null) {
      if (clock != null) {
        now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      } else {
        now =
            rows(NOW, b -> {}, rs -> CardRows.instant(rs, 1)).get(0).truncatedTo(ChronoUnit.MICROS);
      }
    }
    return now;
  }

  /** Whether the transaction's time is still to be read from the database clock. */
  boolean readsDatabaseClock() {
    return now == null && clock == null;
  }

  /**
   * The transaction's time when it is not known yet: a statement that read the database clock saw
   * it.
   */
  void sawDatabaseTime(Instant at) {
    if (now == null) {
      now = at.truncatedTo(ChronoUnit.MICROS);
    }
  }

  /**
   * The transaction's time to bind into a statement, or null to let the statement read the database
   * clock.
   */
  Instant timeOrNull() {
    return readsDatabaseClock() ? null : now();
  }

  // ---------------------------------------------------------------- statements

  /** Prepares {@code sql} on the connection, binds it and runs it. */
  <R> R run(NamedSql sql, Bind bind, Run<R> run) {
    return run(sql, bind, run, null);
  }

  /**
   * Prepares {@code sql} on the connection, binds it and runs it; when {@code sole} is not null
   * (from {@link #soleStatement}), as the transaction's only statement, which commits with it.
   */
  <R> R run(NamedSql sql, Bind bind, Run<R> run, SoleStatement sole) {
    if (sole == null) {
      return runInTransaction(sql, bind, run);
    }
    Connection c = connection();
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    // From here a lost answer leaves the outcome unknown: the next attempt looks it up.
    this.sole = sole;
    try {
      return runInTransaction(sql, bind, run);
    } finally {
      try {
        // No transaction is open: the driver only notes that the next statement opens one.
        c.setAutoCommit(false);
      } catch (SQLException | RuntimeException broken) {
        // The connection broke; the engine drops it and looks the statement up.
      }
    }
  }

  private <R> R runInTransaction(NamedSql sql, Bind bind, Run<R> run) {
    touched = true;
    try (PreparedStatement ps = sql.prepare(connection())) {
      bind.to(sql.binder(ps));
      return run.on(ps);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /** Runs a query on the connection and reads every row. */
  <T> List<T> rows(NamedSql sql, Bind bind, Row<T> row) {
    return run(sql, bind, ps -> read(ps, row));
  }

  /** Runs an update on the connection; returns the rows changed. */
  int update(NamedSql sql, Bind bind) {
    return run(sql, bind, PreparedStatement::executeUpdate);
  }

  /** Runs an update once per item of {@code items}, in one batch. */
  <T> void batch(NamedSql sql, List<T> items, BindEach<T> bind) {
    touched = true;
    try (PreparedStatement ps = sql.prepare(connection())) {
      NamedSql.Binder b = sql.binder(ps);
      for (T item : items) {
        bind.to(b, item);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /** Binds one batch item. */
  @FunctionalInterface
  interface BindEach<T> {
    void to(NamedSql.Binder b, T item) throws SQLException;
  }

  /** Runs a bound query and reads every row. */
  static <T> List<T> read(PreparedStatement ps, Row<T> row) throws SQLException {
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
  <T> List<T> rowsIn(String head, List<String> values, String tail, Row<T> row) {
    String sql =
        head + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")" + tail;
    touched = true;
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      for (int k = 0; k < values.size(); k++) {
        SqlValue.of(values.get(k)).bind(ps, k + 1);
      }
      return read(ps, row);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /** The dependencies of the named cards, by card (cards without any are absent). */
  Map<CardId, SortedSet<CardId>> dependenciesOf(List<CardId> ids) {
    Map<CardId, SortedSet<CardId>> deps = new HashMap<>();
    for (int i = 0; i < ids.size(); i += IN_CHUNK) {
      List<String> chunk =
          ids.subList(i, Math.min(ids.size(), i + IN_CHUNK)).stream().map(CardId::value).toList();
      for (CardId[] edge :
          rowsIn(
              "SELECT card_id, depends_on FROM card_deps WHERE card_id",
              chunk,
              "",
              rs -> new CardId[] {CardId.of(rs.getString(1)), CardId.of(rs.getString(2))})) {
        deps.computeIfAbsent(edge[0], key -> new TreeSet<>()).add(edge[1]);
      }
    }
    return deps;
  }

  /** The cards with their dependencies read in as few statements as possible. */
  List<Card> withDependencies(List<Card> cards) {
    Map<CardId, SortedSet<CardId>> deps = dependenciesOf(cards.stream().map(Card::id).toList());
    List<Card> out = new ArrayList<>(cards.size());
    for (Card c : cards) {
      SortedSet<CardId> d = deps.get(c.id());
      out.add(d == null ? c : c.toBuilder().dependsOn(d).build());
    }
    return out;
  }

  // ---------------------------------------------------------------- events and counts

  /** Buffers an event until the transaction's events are numbered. */
  void event(Card card, EventType type, String actor, LeaseToken token, String data) {
    pending.add(new PendingEvent(card.id(), type, actor, token, data));
    // A completion wakes claimers only when it has dependents (see the dialects'
    // dependentsChanged), since
    // only then may work have become claimable.
    if (type != EventType.CLAIMED
        && type != EventType.RENEWED
        && type != EventType.BLOCKED
        && type != EventType.LINKED
        && type != EventType.COMPLETED) {
      wakesWaiters = true;
    }
  }

  /** Records an event a statement wrote and numbered itself. */
  void written(Event event) {
    sealed.add(event);
  }

  /** Notes a change of the status counts. */
  void count(CardStatus status, String phase, long delta) {
    countDeltas.merge(new CountKey(status, phase == null ? "" : phase), delta, Long::sum);
  }

  /** Notes the status-count changes of a card's transition. */
  void statusCounts(Card before, Card after) {
    if (before.status() != after.status()
        || !java.util.Objects.equals(before.phase(), after.phase())) {
      count(before.status(), before.phase(), -1);
      count(after.status(), after.phase(), 1);
    }
  }

  /** Notes that the transaction may have made work claimable. */
  void wakeWaiters() {
    wakesWaiters = true;
  }

  /** Whether the transaction changed something a waiting claimer may care about. */
  public boolean wakesWaiters() {
    return wakesWaiters;
  }
}
