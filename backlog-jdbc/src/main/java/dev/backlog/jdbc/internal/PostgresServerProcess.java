package dev.backlog.jdbc.internal;

import dev.backlog.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server process behind a connection, and waiting for one to end. A client can see
 * its connection break while the server process still runs what it sent: a statement waiting for a
 * lock, a {@code COMMIT} waiting for a deferred trigger. That process may still commit it, after a
 * lookup on another connection found nothing. Once the process has ended, or sits idle with no
 * transaction open, what it ran has committed or never will, so a lookup made then is final.
 *
 * <p>Stateless and thread-safe.
 */
final class PostgresServerProcess {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServerProcess.class);

  /** How long a lookup waits for the server process of a lost answer to end. */
  static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Whether the server process {@code :pid} may still run what it was sent: it exists and is not
   * idle. An idle process has no transaction open, so what it ran has committed or rolled back; it
   * stays idle, not gone, when its client vanished without the server noticing (a network
   * partition). A process this role may not see has no state, and counts as running.
   */
  private static final NamedSql RUNNING =
      NamedSql.compile(
          "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :pid"
              + " AND state IS DISTINCT FROM 'idle'");

  /**
   * Drops the transaction's snapshot of the server's activity, which it otherwise keeps until it
   * ends.
   */
  private static final NamedSql FRESH_ACTIVITY =
      NamedSql.compile("SELECT pg_stat_clear_snapshot()");

  private PostgresServerProcess() {}

  /**
   * The server process serving {@code c}, read from the driver without a round trip, or 0 when the
   * connection is not the PostgreSQL driver's or will not say (a host's pool that cannot unwrap):
   * then no lookup waits.
   */
  static int of(Connection c) {
    try {
      return c.isWrapperFor(PGConnection.class) ? c.unwrap(PGConnection.class).getBackendPID() : 0;
    } catch (SQLException e) {
      return 0;
    }
  }

  /** Whether the server process {@code pid} may still run what it was sent, asked on {@code c}. */
  private static boolean running(Connection c, int pid) throws SQLException {
    try (PreparedStatement fresh = FRESH_ACTIVITY.prepare(c)) {
      fresh.executeQuery().close();
    }
    try (PreparedStatement ps = RUNNING.prepare(c)) {
      RUNNING.binder(ps).set("pid", pid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  /**
   * Waits until the server process {@code pid} (0: unknown, no wait) has ended or gone idle, asking
   * on {@code c} every few milliseconds (in its transaction, if one is open). Gives up after {@link
   * #WAIT}, with a warning naming {@code where}.
   *
   * @throws StoreUnavailableException when interrupted
   */
  static void awaitEnded(Connection c, int pid, String where) throws SQLException {
    if (pid == 0) {
      return;
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (running(c, pid)) {
      if (System.nanoTime() > deadline) {
        LOG.warn(
            "server process {} of {} still runs what was sent before its answer was lost;"
                + " looking it up anyway",
            pid,
            where);
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException(
            "interrupted while waiting for the server process of a lost answer to end", e);
      }
    }
  }
}
