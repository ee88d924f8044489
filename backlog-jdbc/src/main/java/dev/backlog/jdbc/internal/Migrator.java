package dev.backlog.jdbc.internal;

import dev.backlog.core.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema up to the version this code knows, from versioned SQL scripts under
 * {@code dev/backlog/jdbc/migrations/<dialect>/V<n>__<description>.sql}. Applied versions are
 * recorded with a SHA-256 checksum in {@code backlog_schema_history}; a changed script or a schema
 * newer than the code is refused. Safe when many processes open a fresh database at once: one
 * applies the scripts under the dialect's migration lock (an advisory lock on PostgreSQL, a lock
 * row with an expiry on H2) while the others wait, then find nothing left to do.
 *
 * <p>The check that runs on every open asks the database metadata whether the history table exists
 * (provoking a "table not found" error instead would make H2 start a {@code .trace.db} file) and
 * reads it with a plain statement, so that opening an up-to-date database does not start JDBI;
 * applying scripts, which happens once per database, runs on a JDBI handle.
 *
 * <p>Thread-safe: each call works on its own connection.
 */
public final class Migrator {

  /** The scripts of every dialect, in order; each dialect has a file of the same name. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__cards_dependencies_events.sql",
          "V2__event_sequence_and_count_stripes.sql",
          "V3__claimable_flag.sql",
          "V4__scheduling_visibility.sql",
          "V5__partial_idempotency_key_index.sql",
          "V6__claim_event_keys.sql");

  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  /**
   * One versioned script.
   *
   * @param version the schema version it produces
   * @param description words from the file name
   * @param script the SQL text
   * @param checksum SHA-256 of the script with line endings normalized
   */
  public record Migration(int version, String description, String script, String checksum) {
    /** Checks the parts. */
    public Migration {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(script, "script");
      Objects.requireNonNull(checksum, "checksum");
    }
  }

  private final Database database;
  private final SqlDialect dialect;
  private final String where;
  private final List<Migration> migrations;

  /**
   * Creates a migrator.
   *
   * @param database where to connect
   * @param dialect the database's dialect
   * @param where the database named for messages (no secrets)
   */
  public Migrator(Database database, Dialect dialect, String where) {
    this(database, dialect, where, load(dialect));
  }

  Migrator(Database database, Dialect dialect, String where, List<Migration> migrations) {
    this.database = database;
    this.dialect = dialect.sql();
    this.where = where;
    this.migrations = List.copyOf(migrations);
  }

  /** The newest schema version this code knows. */
  public int latestVersion() {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  /** Loads the scripts of a dialect from the class path. */
  public static List<Migration> load(Dialect dialect) {
    List<Migration> out = new ArrayList<>();
    for (String file : SCRIPTS) {
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException(
            "migration script name " + file + " does not match V<n>__<words>.sql");
      }
      String resource = dialect.migrationFolder() + file;
      try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "migration script " + resource + " is missing from the class path");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        out.add(
            new Migration(
                Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), text, sha256(text)));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read migration script " + resource + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * Applies the scripts the database lacks. Returns the schema version. Connection failures
   * propagate as {@link SQLException} (or JDBI's exception carrying one) so that the caller can
   * retry the whole call.
   *
   * @throws StoreUnavailableException when the schema is newer than the code or a script changed
   *     after it was applied
   */
  public int migrate() throws SQLException {
    try (Database.Link link = database.open()) {
      Connection c = link.connection();
      c.setAutoCommit(true);
      if (historyExists(c) && check(readHistory(c))) {
        return latestVersion();
      }
    }
    try (Handle h = database.jdbi().open()) {
      Connection c = h.getConnection();
      c.setAutoCommit(true);
      dialect.underMigrationLock(c, where, () -> bootstrap(c), () -> applyMissing(h));
    }
    return latestVersion();
  }

  /**
   * Whether {@code backlog_schema_history} exists in the connection's schema, by the database
   * metadata.
   */
  private static boolean historyExists(Connection c) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String escape = meta.getSearchStringEscape();
    String schema = c.getSchema();
    for (String name : List.of("backlog_schema_history", "BACKLOG_SCHEMA_HISTORY")) {
      String pattern = escape == null ? name : name.replace("_", escape + "_");
      try (ResultSet rs = meta.getTables(c.getCatalog(), schema, pattern, null)) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The applied versions and checksums. */
  private static SortedMap<Integer, String> readHistory(Connection c) throws SQLException {
    SortedMap<Integer, String> applied = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, checksum FROM backlog_schema_history ORDER BY version")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
      return applied;
    }
  }

  /** Validates the history; true when nothing is left to apply. */
  private boolean check(SortedMap<Integer, String> applied) {
    if (!applied.isEmpty() && applied.lastKey() > latestVersion()) {
      throw new StoreUnavailableException(
          "the backlog database "
              + where
              + " has schema version "
              + applied.lastKey()
              + ", newer than version "
              + latestVersion()
              + " that this backlog library knows;"
              + " upgrade backlog to a release that knows schema version "
              + applied.lastKey()
              + ", or use another database",
          null);
    }
    for (Migration m : migrations) {
      String sum = applied.get(m.version());
      if (sum != null && !sum.equals(m.checksum())) {
        throw new StoreUnavailableException(
            "the backlog database "
                + where
                + " recorded schema version "
                + m.version()
                + " ("
                + m.description()
                + ") with checksum "
                + sum
                + ", but this library's script has "
                + m.checksum()
                + "; the database was migrated by a different build, restore a matching backlog"
                + " release or use another database",
            null);
      }
    }
    return applied.keySet().containsAll(migrations.stream().map(Migration::version).toList());
  }

  private static void bootstrap(Connection c) throws SQLException {
    String[] ddl = {
      "CREATE TABLE IF NOT EXISTS backlog_schema_history (version INTEGER NOT NULL PRIMARY KEY,"
          + " description VARCHAR(200) NOT NULL, checksum VARCHAR(64) NOT NULL,"
          + " installed_at TIMESTAMP WITH TIME ZONE NOT NULL)",
      "CREATE TABLE IF NOT EXISTS backlog_schema_lock (id INTEGER NOT NULL PRIMARY KEY,"
          + " locked_by VARCHAR(200), locked_until TIMESTAMP WITH TIME ZONE)"
    };
    try (Statement s = c.createStatement()) {
      for (String sql : ddl) {
        s.execute(sql);
      }
      try {
        s.execute(
            "INSERT INTO backlog_schema_lock (id) SELECT 1 WHERE NOT EXISTS"
                + " (SELECT 1 FROM backlog_schema_lock WHERE id = 1)");
      } catch (SQLException e) {
        if (SqlErrors.classify(e) != SqlErrors.Kind.DUPLICATE) {
          throw e;
        }
      }
    }
  }

  private void applyMissing(Handle h) throws SQLException {
    SortedMap<Integer, String> applied = new TreeMap<>();
    h.createQuery("SELECT version, checksum FROM backlog_schema_history ORDER BY version")
        .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2)))
        .forEach(e -> applied.put(e.getKey(), e.getValue()));
    if (check(applied)) {
      return;
    }
    Connection c = h.getConnection();
    boolean transactional = dialect.transactionalDdl();
    for (Migration m : migrations) {
      if (applied.containsKey(m.version())) {
        continue;
      }
      LOG.info(
          "applying backlog schema version {} ({}) to {}", m.version(), m.description(), where);
      c.setAutoCommit(!transactional);
      // The scripts run as plain statements: they are DDL, not statements with parameters for JDBI
      // to parse.
      try (Statement s = c.createStatement()) {
        for (String sql : statements(m.script())) {
          s.execute(sql);
        }
        h.createUpdate(
                "INSERT INTO backlog_schema_history (version, description, checksum, installed_at)"
                    + " VALUES (:version, :description, :checksum, :at)")
            .bind("version", SqlValue.of(m.version()))
            .bind("description", SqlValue.of(m.description()))
            .bind("checksum", SqlValue.of(m.checksum()))
            .bind("at", SqlValue.of(Instant.now()))
            .execute();
        if (transactional) {
          c.commit();
        }
      } catch (SQLException | RuntimeException e) {
        if (transactional) {
          try {
            c.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * Splits a script into statements: each ends with a semicolon at the end of a line; comment lines
   * are dropped.
   */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
