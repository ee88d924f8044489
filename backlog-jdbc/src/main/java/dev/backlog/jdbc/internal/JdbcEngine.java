package dev.backlog.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.backlog.core.BacklogException;
import dev.backlog.core.Event;
import dev.backlog.core.spi.StoreWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs store transactions: takes a connection, runs the work, seals its events, commits, and retries
 * the whole work with bounded jittered backoff when the database reports a transient failure
 * (serialization failure, deadlock, lock timeout) or a lost connection. A commit whose outcome is
 * unknown because the connection broke is verified against the event log before any retry, so a
 * committed transaction is never run twice. Also wakes long-polling claimers.
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
  private static final long H2_POLL_MILLIS = 100;
  private static final long PG_MAX_WAIT_NANOS = 1_000_000_000L;
  /** The notifier's pause after each NOTIFY: requests arriving meanwhile share the next one. */
  private static final long NOTIFY_INTERVAL_MILLIS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcEngine.class);

  /** JDBI, started on first need (see {@link JdbcTransaction}): its handles borrow the transaction's connection. */
  private volatile Jdbi jdbi;
  /** The connection of the transaction on this thread while a JDBI handle is opened on it. */
  private final ThreadLocal<Connection> opening = new ThreadLocal<>();
  private final DataSource dataSource;
  private final HikariDataSource pool;
  private final Dialect dialect;
  private final InstantSource clock;
  private final Secrets secrets;
  private final String where;
  private final Duration connectRetry;
  private final PgListener listener;
  private final Notifier notifier;

  private final Object changes = new Object();
  private long generation;
  private volatile boolean closed;

  /**
   * Creates the engine.
   *
   * @param dataSource where connections come from
   * @param pool the pool behind {@code dataSource} when the store owns it (closed with the engine), or null
   * @param dialect the database dialect
   * @param clock the injected clock, or null for the database clock
   * @param secrets secrets to scrub from messages
   * @param where the database for messages, without secrets
   * @param connectRetry how long lost connections are retried before the store is reported unavailable
   * @param listenConnections opens a dedicated connection for LISTEN (PostgreSQL), or null to borrow from the data source
   */
  public JdbcEngine(DataSource dataSource, HikariDataSource pool, Dialect dialect, InstantSource clock,
      Secrets secrets, String where, Duration connectRetry, ConnectionOpener listenConnections) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.pool = pool;
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.clock = clock;
    this.secrets = secrets;
    this.where = where;
    this.connectRetry = connectRetry;
    ConnectionOpener opener = listenConnections != null ? listenConnections : dataSource::getConnection;
    this.listener = dialect == Dialect.POSTGRESQL ? new PgListener(opener, this::signal, where) : null;
    this.notifier = dialect == Dialect.POSTGRESQL ? new Notifier() : null;
  }

  /** Opens a JDBC connection. */
  @FunctionalInterface
  public interface ConnectionOpener {
    /** Opens a new connection; the caller closes it. */
    Connection open() throws SQLException;
  }

  /**
   * Opens PostgreSQL connections for LISTEN straight from the driver class (not through
   * {@code DriverManager}, which may not see a driver loaded by a host's own class loader).
   */
  public static ConnectionOpener postgresOpener(String url, String user, String password) {
    return () -> PgListener.connect(url, user, password);
  }

  /** The dialect. */
  public Dialect dialect() {
    return dialect;
  }

  /** Runs work in a transaction with retries; see the class comment. */
  public <T> T inTransaction(StoreWork<T> work) {
    return run(tx -> work.run(tx));
  }

  /** Repairs every {@code unmet_deps} counter; returns how many were wrong. */
  public int recount() {
    int fixed = run(JdbcTransaction::recount);
    if (fixed > 0) {
      LOG.warn("repaired {} dependency counter(s) in {}", fixed, where);
      wake();
    }
    return fixed;
  }

  private <T> T run(Function<JdbcTransaction, T> work) {
    if (closed) {
      throw new IllegalStateException("this JDBC backlog store is closed; build a new one");
    }
    long start = System.nanoTime();
    int attempt = 0;
    int duplicates = 0;
    while (true) {
      attempt++;
      Attempt<T> a = new Attempt<>();
      try {
        T result = once(work, a);
        if (a.tx.wakesWaiters()) {
          wake();
        }
        return result;
      } catch (BacklogException e) {
        throw e;
      } catch (RuntimeException e) {
        if (SqlErrors.sqlCause(e).isEmpty()) {
          // The work's own failure (or a defect): the transaction rolled back; the caller gets it unchanged.
          throw e;
        }
        SqlErrors.Kind kind = SqlErrors.classify(e);
        if (a.commitSent && kind == SqlErrors.Kind.CONNECTION) {
          Optional<Event> first = a.tx == null ? Optional.empty() : a.tx.firstSealedEvent();
          if (first.isPresent() && committed(first.get(), start)) {
            LOG.info("the connection to {} broke while committing; the event log shows the commit took effect", where);
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
        LOG.debug("retrying a transaction on {} after a {} failure (attempt {}): {}", where, kind, attempt,
            SqlErrors.describe(e, secrets));
        backoff(attempt);
      }
    }
  }

  private static final class Attempt<T> {
    JdbcTransaction tx;
    T result;
    boolean commitSent;
  }

  private <T> T once(Function<JdbcTransaction, T> work, Attempt<T> a) {
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw JdbcTransaction.failed(e);
    }
    boolean broken = false;
    JdbcTransaction tx = null;
    try {
      connection.setAutoCommit(false);
      try {
        tx = new JdbcTransaction(connection, this::handleOn, dialect, clock);
        a.tx = tx;
        T result = work.apply(tx);
        tx.seal();
        tx.closeHandle();
        a.result = result;
        a.commitSent = true;
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        broken = SqlErrors.classify(e) == SqlErrors.Kind.CONNECTION;
        if (tx != null) {
          try {
            tx.closeHandle();
          } catch (RuntimeException suppressed) {
            // Closing the handle releases only its statements; the rollback below ends the transaction.
          }
        }
        try {
          connection.rollback();
        } catch (SQLException | RuntimeException suppressed) {
          broken = true;
        }
        throw e;
      }
    } catch (SQLException e) {
      throw JdbcTransaction.failed(e);
    } finally {
      if (broken && pool != null) {
        try {
          pool.evictConnection(connection);
        } catch (RuntimeException ignored) {
          // The pool validates connections it hands out; a failed eviction only delays that.
        }
      }
      try {
        if (!broken) {
          connection.setAutoCommit(true);
        }
        connection.close();
      } catch (SQLException | RuntimeException ignored) {
        // The transaction ended above; a failure to return the connection must not hide the outcome.
      }
    }
  }

  /**
   * A JDBI handle on {@code connection}, which is in a transaction: closing the handle leaves the
   * connection open and its transaction alone.
   */
  private Handle handleOn(Connection connection) {
    Jdbi j = jdbi;
    if (j == null) {
      synchronized (this) {
        j = jdbi;
        if (j == null) {
          j = Jdbi.create(new ConnectionFactory() {
            @Override
            public Connection openConnection() throws SQLException {
              Connection c = opening.get();
              if (c == null) {
                throw new SQLException("a backlog JDBI handle was opened outside a store transaction");
              }
              return c;
            }

            @Override
            public void closeConnection(Connection toClose) {
              // The engine ends the transaction and returns the connection itself.
            }
          });
          jdbi = j;
        }
      }
    }
    opening.set(connection);
    try {
      return j.open();
    } finally {
      opening.remove();
    }
  }

  /** Whether the event the transaction wrote first is in the log, i.e. its commit took effect. */
  private boolean committed(Event expected, long start) {
    int attempt = 0;
    while (!closed && System.nanoTime() - start < connectRetry.toNanos() * 2) {
      attempt++;
      try (Connection c = dataSource.getConnection();
           PreparedStatement ps = c.prepareStatement(
               "SELECT card_id, type, actor, data FROM events WHERE seq = ?")) {
        ps.setLong(1, expected.seq());
        try (ResultSet rs = ps.executeQuery()) {
          boolean found = rs.next() && expected.cardId().value().equals(rs.getString(1))
              && expected.type().wireName().equals(rs.getString(2)) && expected.actor().equals(rs.getString(3))
              && expected.data().equals(rs.getString(4));
          if (!c.getAutoCommit()) {
            c.rollback();
          }
          return found;
        }
      } catch (SQLException e) {
        backoff(attempt);
      }
    }
    return false;
  }

  private static void backoff(int attempt) {
    long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(attempt, 10));
    long millis = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.backlog.core.StoreUnavailableException("interrupted while retrying a transaction", e);
    }
  }

  /**
   * After a commit that may have made work claimable: wakes this store's waiters now, and on PostgreSQL
   * asks the notifier to wake the other processes' waiters.
   */
  private void wake() {
    signal();
    if (notifier != null) {
      notifier.request();
    }
  }

  /**
   * Sends {@code NOTIFY} on PostgreSQL from one background thread, after the commits that asked for it,
   * coalescing the requests that arrive while it is busy. A NOTIFY inside a writing transaction would
   * make PostgreSQL serialize that transaction's commit with every other notifying one (a database-wide
   * lock held through the commit keeps the notification queue in commit order), so writers do not send
   * it themselves. After each NOTIFY the thread pauses {@value #NOTIFY_INTERVAL_MILLIS} ms, so a busy
   * store sends at most about a hundred a second (each is a commit of its own, made without waiting for the
   * log flush). A notification lost to a
   * failure or to the process ending right after a commit only delays other processes' waiters: they look
   * again at least every second.
   */
  private final class Notifier implements Runnable {
    private boolean requested;
    private boolean stopped;
    private Thread thread;

    synchronized void request() {
      if (stopped) {
        return;
      }
      requested = true;
      if (thread == null) {
        thread = new Thread(this, "backlog-notify");
        thread.setDaemon(true);
        thread.start();
      }
      notifyAll();
    }

    synchronized void stop() {
      stopped = true;
      notifyAll();
    }

    @Override
    public void run() {
      while (true) {
        synchronized (this) {
          while (!requested && !stopped) {
            try {
              wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (stopped) {
            return;
          }
          requested = false;
        }
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
          // One statement, so one transaction even on a connection in auto-commit mode. Its commit does not
          // wait for the log to reach the disk (a notification lost to a crash only delays waiters, who look
          // again within a second), so the notifier does not add a synchronous flush to the writers' own.
          s.execute("SELECT set_config('synchronous_commit', 'off', true), pg_notify('" + JdbcTransaction.CHANNEL
              + "', '')");
          if (!c.getAutoCommit()) {
            c.commit();
          }
        } catch (SQLException | RuntimeException e) {
          LOG.debug("cannot notify other processes' waiters on {}: {}", where, SqlErrors.describe(e, secrets));
        }
        try {
          Thread.sleep(NOTIFY_INTERVAL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Wakes every local waiter. */
  void signal() {
    synchronized (changes) {
      generation++;
      changes.notifyAll();
    }
  }

  /**
   * Waits up to {@code timeout} for a change: a NOTIFY on PostgreSQL, a moved event counter on H2,
   * or a commit of this store in this process.
   */
  public void awaitChange(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
    long seen;
    synchronized (changes) {
      seen = generation;
    }
    if (listener != null) {
      listener.start();
    }
    long counter = dialect == Dialect.H2 ? eventCounter() : -1;
    while (!closed) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      // A notification sent between the caller's last claim and this wait is not seen here, so even a
      // healthy listener waits at most a second before the caller looks again.
      long slice = dialect == Dialect.H2 || listener == null || !listener.healthy()
          ? Math.min(remaining, H2_POLL_MILLIS * 1_000_000L) : Math.min(remaining, PG_MAX_WAIT_NANOS);
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
      if (dialect == Dialect.H2 && counter >= 0 && eventCounter() != counter) {
        return;
      }
      if (listener != null && !listener.healthy() && dialect == Dialect.POSTGRESQL) {
        return;
      }
    }
  }

  private long eventCounter() {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM event_counter WHERE id = 1");
         ResultSet rs = ps.executeQuery()) {
      long value = rs.next() ? rs.getLong(1) : -1;
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      return value;
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Stops the listener and closes the pool the store owns. */
  @Override
  public void close() {
    closed = true;
    signal();
    if (notifier != null) {
      notifier.stop();
    }
    if (listener != null) {
      listener.close();
    }
    if (pool != null) {
      pool.close();
    }
  }
}
