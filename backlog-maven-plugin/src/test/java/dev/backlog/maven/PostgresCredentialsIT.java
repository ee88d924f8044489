package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL credentials from a settings.xml server: used, and never in the build log. */
class PostgresCredentialsIT {

  private static final String USER = "plan_importer";
  private static final String PASSWORD = "Pw-never-logged-7c1f";
  private static EmbeddedPostgres pg;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("password_encryption", "scram-sha-256")
            .start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
      s.execute("CREATE DATABASE plans OWNER " + USER);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  private String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + db;
  }

  @Test
  void importsWithTheServersCredentialsAndLogsNeitherUserPasswordNorItsEncoding() throws Exception {
    SampleBuild build = SampleBuild.of("plan", tmp, "pg").withServer("backlog-db", USER, PASSWORD);
    int exit =
        build
            .start(
                "validate", "-X", "-Dbacklog.url=" + url("plans"), "-Dbacklog.serverId=backlog-db")
            .await();
    String log = build.output();
    assertEquals(0, exit, log);
    assertTrue(log.contains("backlog: imported 3 cards"), log);
    assertFalse(log.contains(PASSWORD), "the password is in the build log");
    try (Connection c = pg.getDatabase(USER, "plans").getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM cards")) {
      rs.next();
      assertEquals(3, rs.getInt(1));
    }
  }

  @Test
  void aStoreThatCannotBeOpenedFailsWithoutThePassword() throws Exception {
    SampleBuild build =
        SampleBuild.of("plan", tmp, "pgbad").withServer("backlog-db", USER, PASSWORD);
    int exit =
        build
            .start(
                "validate",
                "-e",
                "-Dbacklog.url=" + url("no_such_db"),
                "-Dbacklog.serverId=backlog-db")
            .await();
    String log = build.output();
    assertNotEquals(0, exit, log);
    assertFalse(log.contains(PASSWORD), "the password is in the build log:\n" + log);
  }
}
