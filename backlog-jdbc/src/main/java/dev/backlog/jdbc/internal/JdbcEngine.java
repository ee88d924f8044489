package dev.backlog.jdbc.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.Event;
import dev.backlog.core.spi.StoreWork;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs store transactions: takes a connection, runs the work, seals its events, commits, and
 * retries the whole work with bounded jittered backoff when the database reports a transient
 * failure (serialization failure, deadlock, lock timeout) or a lost connection. A commit whose
 * outcome is unknown because the connection broke is verified against the event log before any
 * retry, once the database server process it was sent to has ended or gone idle, so a committed
 * transaction is never run twice. Work that is a single operation may have its one statement commit
 * on its own ({@link SoleStatement}); when that statement's answer is lost, or the work fails after
 * it, the next attempt looks up what it did instead of running it again. Also wakes long-polling
 * claimers.
 *
 * <p>Each attempt runs on one connection, owned by its {@link Session}: a bare pooled connection,
 * moved onto a JDBI handle when the work first asks for a JDBI statement. Work that asks for one
 * after plain statements ran is rolled back and run again on a handle from the start ({@link
 * Session.JdbiNeeded}), which counts as no attempt.
 *
 * <p>Thread-safe.
 */
public final class JdbcEngine implements AutoCloseable {

  /** How often a transient failure is retried before it is reported. */
  static final int MAX_TRANSIENT_ATTEMPTS = 12;

  /** How often a racing unique key re-runs the work before it is reported. */
  static final int MAX_DUPLICATE_ATTEMPTS = 4;

  private static final long BACKOFF_BASE_MILLIS = 4;
  private static final long BACKOFF_CAP_MILLIS = 400;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcEngine.class);

  private final Database database;
  private final SqlDialect dialect;
  private final InstantSource clock;
  private final Secrets secrets;
  private final String where;
  private final Duration connectRetry;
  private final ChangeFeed feed;

  /** The highest event seq this store has written or been told of (see {@link SoleStatement}). */
  private final AtomicLong eventFloor = new AtomicLong();

  private final Object changes = new Object();
  private long generation;
  private volatile boolean closed;

  /**
   * Creates the engine.
   *
   * @param database where connections come from (closed with the engine)
   * @param dialect the database dialect
   * @param clock the injected clock, or null for the database clock
   * @param secrets secrets to scrub from messages
   * @param where the database for messages, without secrets
   * @param connectRetry how long lost connections are retried before the store is reported
   *     unavailable
   */
  public JdbcEngine(
      Database database,
      SqlDialect dialect,
      InstantSource clock,
      Secrets secrets,
      String where,
      Duration connectRetry) {
    this.database = Objects.requireNonNull(database, "database");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.clock = clock;
    this.secrets = secrets;
    this.where = where;
    this.connectRetry = connectRetry;
    this.feed = dialect.changeFeed(database, this::signal, where, secrets);
  }

  /** The dialect. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** Runs work in a transaction with retries; see the class comment. */
  public <T> T inTransaction(StoreWork<T> work) {
    return run(tx -> work.run(tx), false);
  }

  /**
   * Runs work that is one operation and nothing else ({@link
   * dev.backlog.core.spi.BacklogStore#inSingleOperation}): where the dialect can, its statement
   * commits on its own, in its own round trip. When that statement's answer is lost, or the work
   * fails after it, the next attempt looks up what it did ({@link SoleStatement}).
   */
  public <T> T inSingleOperation(StoreWork<T> work) {
    return run(tx -> work.run(tx), true);
  }

  /**
   * Reads the highest event seq in the store, the floor below which no event of a later statement
   * can be numbered, where the dialect lets statements commit on their own. Called once when the
   * store opens; the engine then follows the events it writes.
   */
  public void readEventFloor() {
    if (!dialect.commitsSoleStatements()) {
      return;
    }
    try (Database.Link link = database.open();
        PreparedStatement ps =
            link.connection().prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM events");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      eventFloor.accumulateAndGet(rs.getLong(1), Math::max);
      if (!link.connection().getAutoCommit()) {
        link.connection().rollback();
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(new SqlFailure(e), SqlErrors.classify(e), where, secrets);
    }
  }

  /**
   * Repairs every {@code unmet_deps} counter and the status counts; returns how many counters were
   * wrong.
   */
  public int recount() {
    int fixed = run(JdbcTransaction::recount, false);
    if (fixed > 0) {
      LOG.warn("repaired {} dependency counter(s) in {}", fixed, where);
      wake();
    }
    return fixed;
  }

  private <T> T run(Function<JdbcTransaction, T> work, boolean singleOperation) {
    if (closed) {
      throw new IllegalStateException("this JDBC backlog store is closed; build a new one");
    }
    long start = System.nanoTime();
    int attempt = 0;
    int duplicates = 0;
    boolean onHandle = false;
    SoleStatement earlier = null;
    while (true) {
      attempt++;
      Attempt<T> a = new Attempt<>();
      try {
        T result = once(work, a, onHandle, singleOperation, earlier);
        if (a.tx.wakesWaiters()) {
          wake();
        }
        return result;
      } catch (BacklogException e) {
        throw e;
      } catch (Session.JdbiNeeded e) {
        // The work rolled back; run it again on a JDBI handle (not a failure: no attempt is
        // counted).
        earlier = a.sole;
        onHandle = true;
        attempt--;
        continue;
      } catch (RuntimeException e) {
        // A statement that committed on its own is looked up by the next attempt, if there is one.
        earlier = a.sole;
        if (SqlErrors.sqlCause(e).isEmpty()) {
          // The work's own failure (or a defect): the transaction rolled back; the caller gets it
          // unchanged.
          throw e;
        }
        SqlErrors.Kind kind = SqlErrors.classify(e);
        if (a.commitSent && kind == SqlErrors.Kind.CONNECTION) {
          Optional<Event> first = a.tx == null ? Optional.empty() : a.tx.firstSealedEvent();
          if (first.isPresent() && committed(first.get(), a.serverProcess, start)) {
            LOG.info(
                "the connection to {} broke while committing; the event log shows the commit took effect",
                where);
            if (a.tx.wakesWaiters()) {
              wake();
            }
            return a.result;
          }
        }
        boolean retry;
        switch (kind) {
          case TRANSIENT:
            retry = attempt < MAX_TRANSIENT_ATTEMPTS;
            break;
          case DUPLICATE:
            retry = ++duplicates < MAX_DUPLICATE_ATTEMPTS;
            break;
          case CONNECTION:
            retry = !closed && System.nanoTime() - start < connectRetry.toNanos();
            break;
          default:
            retry = false;
        }
        if (!retry) {
          throw SqlErrors.translate(e, kind, where, secrets);
        }
        LOG.debug(
            "retrying a transaction on {} after a {} failure (attempt {}): {}",
            where,
            kind,
            attempt,
            SqlErrors.describe(e, secrets));
        backoff(attempt);
      }
    }
  }

  private static final class Attempt<T> {
    JdbcTransaction tx;
    T result;
    boolean commitSent;
    SoleStatement sole;

    /** The server process the commit was sent to (0 when unknown). */
    int serverProcess;
  }

  private <T> T once(
      Function<JdbcTransaction, T> work,
      Attempt<T> a,
      boolean onHandle,
      boolean singleOperation,
      SoleStatement earlier) {
    a.sole = earlier;
    Session session;
    try {
      session =
          new Session(
              database,
              onHandle,
              clock,
              where,
              dialect::serverProcess,
              singleOperation,
              eventFloor.get(),
              earlier);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    boolean broken = false;
    try {
      JdbcTransaction tx = new JdbcTransaction(session, dialect);
      a.tx = tx;
      T result = work.apply(tx);
      tx.seal();
      a.result = result;
      // A lookup after a lost answer waits for this process (read once per connection).
      a.serverProcess = session.serverProcess();
      a.commitSent = true;
      // A no-op when the work's only statement committed on its own: no transaction is open.
      session.connection().commit();
      for (Event e : session.sealed) {
        eventFloor.accumulateAndGet(e.seq(), Math::max);
      }
      return result;
    } catch (SQLException e) {
      a.sole = session.unresolved();
      broken = rollback(session, e);
      throw new SqlFailure(e);
    } catch (RuntimeException | Error e) {
      a.sole = session.unresolved();
      broken = rollback(session, e);
      throw e;
    } finally {
      if (broken) {
        database.evict(session.connection());
      }
      session.close(broken);
    }
  }

  /** Rolls back after {@code failure}; returns whether the connection is broken. */
  private static boolean rollback(Session session, Throwable failure) {
    SqlErrors.Kind kind = SqlErrors.classify(failure);
    boolean broken = kind == SqlErrors.Kind.CONNECTION || kind == SqlErrors.Kind.STORAGE;
    if (session.connection() == null) {
      // It holds no connection: nothing ran, nothing to roll back or drop.
      return false;
    }
    try {
      session.connection().rollback();
    } catch (SQLException | RuntimeException suppressed) {
      broken = true;
    }
    return broken;
  }

  /**
   * Whether the event the transaction wrote first is in the log, i.e. its commit took effect; asked
   * once server process {@code serverProcess}, which the commit was sent to, has ended or gone
   * idle, so that the commit cannot take effect after the answer.
   */
  private boolean committed(Event expected, int serverProcess, long start) {
    int attempt = 0;
    while (!closed && System.nanoTime() - start < connectRetry.toNanos() * 2) {
      attempt++;
      try (Database.Link link = database.open()) {
        dialect.awaitServerProcessEnded(link.connection(), serverProcess, where);
        return logged(link, expected);
      } catch (BacklogException e) {
        // Interrupted while waiting.
        throw e;
      } catch (SQLException | RuntimeException e) {
        backoff(attempt);
      }
    }
    return false;
  }

  /** Whether {@code expected} is in the event log as written, read on {@code link}. */
  private static boolean logged(Database.Link link, Event expected) throws SQLException {
    try (PreparedStatement ps =
        link.connection()
            .prepareStatement("SELECT card_id, type, actor, data FROM events WHERE seq = ?")) {
      ps.setLong(1, expected.seq());
      try (ResultSet rs = ps.executeQuery()) {
        boolean found =
            rs.next()
                && expected.cardId().value().equals(rs.getString(1))
                && expected.type().wireName().equals(rs.getString(2))
                && expected.actor().equals(rs.getString(3))
                && expected.data().equals(rs.getString(4));
        if (!link.connection().getAutoCommit()) {
          link.connection().rollback();
        }
        return found;
      }
    }
  }

  private static void backoff(int attempt) {
    long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(attempt, 10));
    long millis = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.backlog.core.StoreUnavailableException(
          "interrupted while retrying a transaction", e);
    }
  }

  /**
   * After a commit that may have made work claimable: wakes this store's waiters now, and tells the
   * other processes' waiters through the dialect's change feed.
   */
  private void wake() {
    signal();
    feed.committed();
  }

  /** Wakes every local waiter. */
  void signal() {
    synchronized (changes) {
      generation++;
      changes.notifyAll();
    }
  }

  /**
   * Waits up to {@code timeout} for a change: one the dialect's change feed reports (a NOTIFY on
   * PostgreSQL, a moved event counter on H2), or a commit of this store in this process.
   */
  public void awaitChange(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
    long seen;
    synchronized (changes) {
      seen = generation;
    }
    long mark = feed.mark();
    while (!closed) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      long slice = feed.sliceNanos(remaining);
      synchronized (changes) {
        long waitUntil = System.nanoTime() + slice;
        while (generation == seen && !closed) {
          long left = waitUntil - System.nanoTime();
          if (left <= 0) {
            break;
          }
          changes.wait(Math.max(1, left / 1_000_000L), (int) (left % 1_000_000L));
        }
        if (generation != seen) {
          return;
        }
      }
      if (feed.changedSince(mark)) {
        return;
      }
    }
  }

  /** Stops the change feed and closes the pool the store owns. */
  @Override
  public void close() {
    closed = true;
    signal();
    feed.close();
    database.close();
  }
}
