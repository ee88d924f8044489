package dev.backlog.benchmarks.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Runs the SQL scripts bundled with the driver (statements end with a semicolon at a line's end).
 *
 * <p>Stateless and thread-safe.
 */
final class Scripts {

  private Scripts() {}

  static void run(DataSource ds, String resource) {
    try (Connection c = ds.getConnection()) {
      run(c, resource);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + resource + ": " + e.getMessage(), e);
    }
  }

  static void run(Connection c, String resource) throws SQLException {
    String text;
    try (InputStream in =
        Scripts.class.getResourceAsStream("/dev/backlog/benchmarks/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("the driver's jar lacks " + resource + "; rebuild it");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder sql = new StringBuilder();
    try (Statement s = c.createStatement()) {
      for (String line : text.split("\n")) {
        if (line.strip().startsWith("--")) {
          continue;
        }
        sql.append(line).append('\n');
        if (line.strip().endsWith(";")) {
          s.execute(sql.toString().strip().replaceAll(";$", ""));
          sql.setLength(0);
        }
      }
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }
}
