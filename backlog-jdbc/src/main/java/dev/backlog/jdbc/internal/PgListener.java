package dev.backlog.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one PostgreSQL connection that LISTENs on the store's channel and wakes local waiters when
 * a notification arrives. Started on the first long-poll; reconnects after a failure. Only loaded
 * when the database is PostgreSQL, so the PostgreSQL driver is needed only then.
 *
 * <p>Thread-safe.
 */
final class PgListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
  private static final int POLL_MILLIS = 500;
  private static final long RECONNECT_MILLIS = 1_000;

  private final Database.Opener opener;
  private final Runnable onNotify;
  private final String where;
  private Thread thread;
  private volatile boolean healthy;
  private volatile boolean closed;
  private Database.Link link;

  PgListener(Database.Opener opener, Runnable onNotify, String where) {
    this.opener = opener;
    this.onNotify = onNotify;
    this.where = where;
  }

  /** Opens a connection with the PostgreSQL driver itself. */
  static Connection connect(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    Connection c = new Driver().connect(url, props);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not accept the URL", "08001");
    }
    return c;
  }

  /** Starts the listening thread unless it runs already. */
  synchronized void start() {
    if (thread != null || closed) {
      return;
    }
    thread = new Thread(this::loop, "backlog-pg-listener");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether the listener is connected and listening. */
  boolean healthy() {
    return healthy;
  }

  private void loop() {
    while (!closed) {
      try {
        if (link == null) {
          link = opener.open();
          link.connection().setAutoCommit(true);
          try (Statement s = link.connection().createStatement()) {
            s.execute("LISTEN " + PostgresDialect.CHANNEL);
          }
          healthy = true;
          // Changes made while the listener was down may have been missed.
          onNotify.run();
        }
        PGNotification[] notes =
            link.connection().unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
        if (notes != null && notes.length > 0) {
          onNotify.run();
        }
      } catch (SQLException | RuntimeException e) {
        healthy = false;
        closeConnection();
        if (closed) {
          return;
        }
        LOG.debug(
            "the LISTEN connection to {} failed; reconnecting: {}",
            where,
            e.getClass().getSimpleName());
        try {
          Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
    closeConnection();
  }

  private void closeConnection() {
    Database.Link c = link;
    link = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException ignored) {
        // Closing a broken connection may fail; it is dropped either way.
      }
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
