package dev.backlog.chaos.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded PostgreSQL server of a run, on a fixed loopback port and a data directory that
 * survives a stop, so that it can be stopped mid-run in PostgreSQL's fast mode (SIGINT to the
 * postmaster: running transactions are rolled back, clients disconnected) or immediate mode
 * (SIGQUIT: every process quits at once, recovery from the WAL at the next start) and started again
 * on the same port. Its URL carries credentials and is never printed.
 *
 * <p>Thread-safe.
 */
public final class PgServer implements AutoCloseable {

  /** How the server is stopped. */
  public enum Shutdown {
    /** SIGINT: fast shutdown. */
    FAST("INT"),
    /** SIGQUIT: immediate shutdown, crash recovery at the next start. */
    IMMEDIATE("QUIT");

    private final String signal;

    Shutdown(String signal) {
      this.signal = signal;
    }
  }

  private final Path dataDir;
  private final int port;
  private final String password;
  private final AtomicInteger schemas = new AtomicInteger();
  private volatile EmbeddedPostgres server;

  private PgServer(Path dataDir, int port, String password) {
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
  }

  /**
   * Starts a server with its data in {@code dataDir}. The server trusts loopback connections, so
   * {@code password} is accepted whatever it is: clients send it all the same, which plants it in
   * every process that connects (a run checks that no output shows it).
   */
  public static PgServer start(Path dataDir, String password) {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port for PostgreSQL", e);
    }
    PgServer pg = new PgServer(dataDir, port, password);
    pg.startServer();
    return pg;
  }

  // The data directory is never cleaned by the library: a fresh one gets initdb (it has no
  // postgresql.conf yet), a restart reuses it; the run's scratch directory goes with the run.
  private void startServer() {
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
    }
  }

  /** The base URL (with credentials: never print it). */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=" + password;
  }

  /** The password clients send. */
  public String password() {
    return password;
  }

  /**
   * A URL of {@link #freshSchema} without the password, for a CLI that is given the password the
   * way docs/cli.md says (the environment variable {@code BACKLOG_DB_PASSWORD}).
   */
  public String cliUrl(String url) {
    return url.replace("&password=" + password, "");
  }

  /** A URL whose current schema is a new, empty one. */
  public String freshSchema(String label) {
    String schema = "c" + schemas.incrementAndGet() + "_" + label.replaceAll("[^a-z0-9]", "_");
    execute("CREATE SCHEMA " + schema);
    return url() + "&currentSchema=" + schema;
  }

  /** The server's version. */
  public String version() {
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** Connections open to the server from clients (its own background processes excluded). */
  public long clientConnections() {
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
      rs.next();
      return rs.getLong(1) - 1;
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Stops the server with a signal to its postmaster and waits until it is gone. */
  public void stop(Shutdown mode) {
    long pid = postmasterPid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + mode.signal, Long.toString(pid)).start();
      kill.waitFor();
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Files.exists(dataDir.resolve("postmaster.pid")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // releases the library's lock on the data directory (its own stop finds nothing to stop)
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal the PostgreSQL server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the server again on the same data directory and port. */
  public void restart() {
    startServer();
  }

  private long postmasterPid() {
    try {
      String first =
          Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8).get(0);
      return Long.parseLong(first.trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the PostgreSQL server's postmaster.pid", e);
    }
  }

  private void execute(String sql) {
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    EmbeddedPostgres s = server;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop the embedded PostgreSQL server", e);
      }
    }
  }
}
