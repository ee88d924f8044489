package dev.backlog.jdbc.internal;

import dev.backlog.jdbc.H2SharedFile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a store on an H2 file in auto-server mode gently: the process that serves the database
 * (the first to open it serves it to the others) waits before closing while another process is busy
 * with it (running a statement, or connected within the last {@link #RECENT}), for at most {@link
 * #MAX_WAIT}; a long-lived idle client is not waited for. Without this, a server that exits breaks
 * its clients' sessions, and a burst of short processes turns into a chain of hand-overs and
 * retries.
 *
 * <p>Thread-safe.
 */
final class H2Handover implements H2FileSharing.Closing {

  /** The longest a server waits for its clients before closing anyway. */
  static final Duration MAX_WAIT = H2SharedFile.HAND_OVER_MAX_WAIT;

  /** A client that connected this recently is probably a short process still at work. */
  static final Duration RECENT = H2SharedFile.HAND_OVER_RECENT;

  private static final Logger LOG = LoggerFactory.getLogger(H2Handover.class);

  private final String url;
  private final String user;
  private final String password;

  H2Handover(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  @Override
  public void beforeClose() {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    try (Connection c =
            DriverManager.getConnection(
                url, user == null ? "" : user, password == null ? "" : password);
        Statement s = c.createStatement()) {
      while (true) {
        boolean host;
        long clients;
        try (ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT SERVER FROM INFORMATION_SCHEMA.SESSIONS"
                    + " WHERE SESSION_ID = SESSION_ID()) IS NULL, (SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
                    + " WHERE SERVER IS NOT NULL AND (SESSION_STATE <> 'SLEEP'"
                    + " OR SESSION_START > DATEADD(SECOND, -"
                    + RECENT.toSeconds()
                    + ", CURRENT_TIMESTAMP)))")) {
          rs.next();
          host = rs.getBoolean(1);
          clients = rs.getLong(2);
        }
        if (!host || clients == 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          LOG.debug(
              "closing the H2 database while {} other process session(s) still use it", clients);
          return;
        }
        Thread.sleep(25);
      }
    } catch (SQLException e) {
      LOG.debug(
          "could not check for other processes before closing the H2 database: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
