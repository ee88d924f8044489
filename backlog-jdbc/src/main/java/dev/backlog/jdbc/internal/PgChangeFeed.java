package dev.backlog.jdbc.internal;

import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTEN/NOTIFY on PostgreSQL: a {@link PgListener} wakes this process's waiters when another
 * process notifies, and a background thread sends {@code NOTIFY} after the commits that asked for
 * it, coalescing the requests that arrive while it is busy. A NOTIFY inside a writing transaction
 * would make PostgreSQL serialize that transaction's commit with every other notifying one (a
 * database-wide lock held through the commit keeps the notification queue in commit order), so
 * writers do not send it themselves. After each NOTIFY the thread pauses {@value
 * #NOTIFY_INTERVAL_MILLIS} ms, so a busy store sends at most about a hundred a second. A
 * notification lost to a failure or to the process ending right after a commit only delays other
 * processes' waiters: they look again at least every second.
 *
 * <p>Thread-safe.
 */
final class PgChangeFeed implements ChangeFeed, Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(PgChangeFeed.class);
  private static final long MAX_WAIT_NANOS = 1_000_000_000L;
  private static final long UNHEALTHY_POLL_NANOS = 100_000_000L;

  /** The notifier's pause after each NOTIFY: requests arriving meanwhile share the next one. */
  private static final long NOTIFY_INTERVAL_MILLIS = 10;

  private final Database database;
  private final String where;
  private final Secrets secrets;
  private final PgListener listener;
  private boolean requested;
  private boolean stopped;
  private Thread thread;

  PgChangeFeed(Database database, Runnable signal, String where, Secrets secrets) {
    this.database = database;
    this.where = where;
    this.secrets = secrets;
    this.listener = new PgListener(database::listenLink, signal, where);
  }

  @Override
  public synchronized void committed() {
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

  @Override
  public long mark() {
    listener.start();
    return 0;
  }

  /**
   * A notification sent between the caller's last claim and this wait is not seen here, so even a
   * healthy listener waits at most a second before the caller looks again.
   */
  @Override
  public long sliceNanos(long remainingNanos) {
    return Math.min(remainingNanos, listener.healthy() ? MAX_WAIT_NANOS : UNHEALTHY_POLL_NANOS);
  }

  /** Without a healthy listener the waiter cannot tell, so it looks again. */
  @Override
  public boolean changedSince(long mark) {
    return !listener.healthy();
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
      try (Database.Link link = database.open();
          Statement s = link.connection().createStatement()) {
        // One statement, so one transaction even on a connection in auto-commit mode. Its commit
        // does not
        // wait for the log to reach the disk (a notification lost to a crash only delays waiters,
        // who look
        // again within a second), so the notifier does not add a synchronous flush to the writers'
        // own.
        s.execute(
            "SELECT set_config('synchronous_commit', 'off', true), pg_notify('"
                + PostgresDialect.CHANNEL
                + "', '')");
        if (!link.connection().getAutoCommit()) {
          link.connection().commit();
        }
      } catch (SQLException | RuntimeException e) {
        LOG.debug(
            "cannot notify other processes' waiters on {}: {}",
            where,
            SqlErrors.describe(e, secrets));
      }
      try {
        Thread.sleep(NOTIFY_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      notifyAll();
    }
    listener.close();
  }
}
