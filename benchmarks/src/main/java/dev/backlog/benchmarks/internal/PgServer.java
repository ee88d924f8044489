package dev.backlog.benchmarks.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the scenarios run on: the one a URL names, or an embedded server on
 * loopback with fsync and synchronous commit on (also when run as root). Each scenario gets a fresh
 * schema. Its URL carries credentials, so it is never printed.
 *
 * <p>Thread-safe.
 */
public final class PgServer implements AutoCloseable {

  private final String baseUrl;
  private final EmbeddedPostgres embedded;
  private final AtomicInteger schemas = new AtomicInteger();

  private PgServer(String baseUrl, EmbeddedPostgres embedded) {
    this.baseUrl = baseUrl;
    this.embedded = embedded;
  }

  /** Connects to the server a URL names. */
  public static PgServer external(String url) {
    return new PgServer(url, null);
  }

  /** Starts an embedded server. */
  public static PgServer embedded() {
    try {
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "300")
              .setServerConfig("shared_buffers", "256MB")
              .start();
      return new PgServer(pg.getJdbcUrl("postgres", "postgres"), pg);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the embedded PostgreSQL server; give a server with --pg-url"
              + " or BACKLOG_BENCH_PG_URL instead",
          e);
    }
  }

  /** A description without credentials. */
  public String describe() {
    return embedded != null
        ? "embedded PostgreSQL on loopback (fsync on, synchronous_commit on)"
        : "PostgreSQL server from --pg-url / BACKLOG_BENCH_PG_URL";
  }

  /** A URL whose current schema is a new, empty one named after {@code label}. */
  public String freshSchema(String label) {
    String schema = "b" + schemas.incrementAndGet() + "_" + label.replaceAll("[^a-z0-9]", "_");
    execute("CREATE SCHEMA " + schema);
    return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /**
   * Drops a schema made by {@link #freshSchema}, to keep the server's size down between scenarios.
   */
  public void dropSchema(String url) {
    int at = url.lastIndexOf("currentSchema=");
    if (at >= 0) {
      execute(
          "DROP SCHEMA IF EXISTS " + url.substring(at + "currentSchema=".length()) + " CASCADE");
    }
  }

  /** Opens a connection to a URL of this server. */
  public static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url);
  }

  /**
   * The process id of the embedded server's postmaster (the parent of a backend), for counting its
   * CPU time; empty for a server given by URL or when it cannot be seen.
   */
  public java.util.List<Long> localServerPids() {
    if (embedded == null) {
      return java.util.List.of();
    }
    try {
      long backend = Long.parseLong(query("SELECT pg_backend_pid()"));
      return ProcessHandle.of(backend)
          .flatMap(ProcessHandle::parent)
          .map(p -> java.util.List.of(p.pid()))
          .orElse(java.util.List.of());
    } catch (RuntimeException e) {
      return java.util.List.of();
    }
  }

  /** The server version. */
  public String version() {
    return query("SHOW server_version");
  }

  /**
   * Committed transactions in this database so far. Backends report their counts when they exit, so
   * callers close their connections first and this waits briefly for the counts to arrive.
   */
  public long commits() {
    try {
      Thread.sleep(700);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Connection c = connect(baseUrl);
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the commit counter from pg_stat_database: " + e.getMessage(), e);
    }
  }

  /** Runs one statement on the server's default schema. */
  public void execute(String sql) {
    try (Connection c = connect(baseUrl);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "statement failed on the benchmark server (" + sql + "): " + e.getMessage(), e);
    }
  }

  private String query(String sql) {
    try (Connection c = connect(baseUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "query failed on the benchmark server (" + sql + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop the embedded PostgreSQL server", e);
      }
    }
  }
}
