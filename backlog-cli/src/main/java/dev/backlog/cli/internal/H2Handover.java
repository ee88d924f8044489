package dev.backlog.cli.internal;

import dev.backlog.core.spi.BacklogStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a store on an H2 file in auto-server mode so that a short-lived process hands the file over
 * gently: the process that hosts the database (the first to open it serves it to the others) waits
 * before closing while another process is busy with it (running a statement, or connected within
 * the last {@link #RECENT}), for at most {@link #MAX_WAIT}; a long-lived idle client such as
 * {@code events --follow} is not waited for. Without this, a host that exits breaks its clients'
 * sessions, and a burst of short commands turns into a chain of hand-overs and retries.
 *
 * <p>Thread-safe, like the wrapped store.
 */
final class H2Handover extends ForwardingStore {

  /** The longest a host waits for its clients before closing anyway. */
  static final Duration MAX_WAIT = Duration.ofSeconds(15);

  /** A client that connected this recently is probably a short command still at work. */
  static final Duration RECENT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(H2Handover.class);

  private final String url;
  private final String user;
  private final String password;

  private H2Handover(BacklogStore delegate, String url, String user, String password) {
    super(delegate);
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** Wraps the store when the URL names an H2 database in auto-server mode; else returns it as is. */
  static BacklogStore wrap(BacklogStore store, String url, String user, String password) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:") && lower.contains("auto_server=true")) {
      return new H2Handover(store, url, user, password);
    }
    return store;
  }

  @Override
  public void close() {
    try {
      waitForClients();
    } finally {
      delegate.close();
    }
  }

  private void waitForClients() {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    try (Connection c = DriverManager.getConnection(url, user == null ? "" : user, password == null ? "" : password);
        Statement s = c.createStatement()) {
      while (true) {
        boolean host;
        long clients;
        try (ResultSet rs = s.executeQuery("SELECT (SELECT SERVER FROM INFORMATION_SCHEMA.SESSIONS"
            + " WHERE SESSION_ID = SESSION_ID()) IS NULL, (SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
            + " WHERE SERVER IS NOT NULL AND (SESSION_STATE <> 'SLEEP'"
            + " OR SESSION_START > DATEADD(SECOND, -" + RECENT.toSeconds() + ", CURRENT_TIMESTAMP)))")) {
          rs.next();
          host = rs.getBoolean(1);
          clients = rs.getLong(2);
        }
        if (!host || clients == 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          LOG.debug("closing the H2 database while {} other process session(s) still use it", clients);
          return;
        }
        Thread.sleep(25);
      }
    } catch (SQLException e) {
      LOG.debug("could not check for other processes before closing the H2 database: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
