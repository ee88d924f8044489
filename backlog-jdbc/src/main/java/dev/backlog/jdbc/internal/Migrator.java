package dev.backlog.jdbc.internal;

import dev.backlog.core.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema up to the version this code knows, from versioned SQL scripts under
 * {@code dev/backlog/jdbc/migrations/<dialect>/V<n>__<description>.sql}. Applied versions are
 * recorded with a SHA-256 checksum in {@code backlog_schema_history}; a changed script or a schema
 * newer than the code is refused. Safe when many processes open a fresh database at once: one
 * applies the scripts under a lock (an advisory lock on PostgreSQL, a lock row with an expiry on H2)
 * while the others wait, then find nothing left to do.
 *
 * <p>Thread-safe: each call works on its own connection.
 */
public final class Migrator {

  /** The scripts of every dialect, in order; each dialect has a file of the same name. */
  static final List<String> SCRIPTS = List.of("V1__cards_dependencies_events.sql",
      "V2__event_sequence_and_count_stripes.sql", "V3__claimable_flag.sql");

  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
  /** PostgreSQL advisory lock key: "backlog" in ASCII. */
  private static final long ADVISORY_KEY = 0x6261636b6c6f67L;
  private static final long H2_LOCK_WAIT_MILLIS = 120_000;

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

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String where;
  private final List<Migration> migrations;

  /**
   * Creates a migrator.
   *
   * @param dataSource where to connect
   * @param dialect the database's dialect
   * @param where the database named for messages (no secrets)
   */
  public Migrator(DataSource dataSource, Dialect dialect, String where) {
    this(dataSource, dialect, where, load(dialect));
  }

  Migrator(DataSource dataSource, Dialect dialect, String where, List<Migration> migrations) {
    this.dataSource = dataSource;
    this.dialect = dialect;
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
        throw new IllegalStateException("migration script name " + file + " does not match V<n>__<words>.sql");
      }
      String resource = dialect.migrationFolder() + file;
      try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("migration script " + resource + " is missing from the class path");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        out.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), text, sha256(text)));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read migration script " + resource + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * Applies the scripts the database lacks. Returns the schema version. Connection failures
   * propagate as {@link SQLException} so that the caller can retry the whole call.
   *
   * @throws StoreUnavailableException when the schema is newer than the code or a script changed after it was applied
   */
  public int migrate() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      SortedMap<Integer, String> applied = readHistory(c);
      if (applied != null && check(applied)) {
        return latestVersion();
      }
      if (dialect == Dialect.POSTGRESQL) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_lock(" + ADVISORY_KEY + ")");
        }
        try {
          bootstrap(c);
          applyMissing(c);
        } finally {
          try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_unlock(" + ADVISORY_KEY + ")");
          }
        }
      } else {
        bootstrap(c);
        String me = UUID.randomUUID().toString();
        lockH2(c, me);
        try {
          applyMissing(c);
        } finally {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE backlog_schema_lock SET locked_by = NULL, locked_until = NULL WHERE id = 1 AND locked_by = ?")) {
            ps.setString(1, me);
            ps.executeUpdate();
          }
        }
      }
      return latestVersion();
    }
  }

  /** The applied versions and checksums, or null when the history table does not exist yet. */
  private SortedMap<Integer, String> readHistory(Connection c) throws SQLException {
    SortedMap<Integer, String> applied = new TreeMap<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT version, checksum FROM backlog_schema_history ORDER BY version")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
      return applied;
    } catch (SQLException e) {
      if (SqlErrors.classify(e) == SqlErrors.Kind.CONNECTION) {
        throw e;
      }
      // Table missing (42S02 on H2, 42P01 on PostgreSQL): a fresh database.
      return null;
    }
  }

  /** Validates the history; true when nothing is left to apply. */
  private boolean check(SortedMap<Integer, String> applied) {
    if (!applied.isEmpty() && applied.lastKey() > latestVersion()) {
      throw new StoreUnavailableException("the backlog database " + where + " has schema version "
          + applied.lastKey() + ", newer than version " + latestVersion() + " that this backlog library knows;"
          + " upgrade backlog to a release that knows schema version " + applied.lastKey()
          + ", or use another database", null);
    }
    for (Migration m : migrations) {
      String sum = applied.get(m.version());
      if (sum != null && !sum.equals(m.checksum())) {
        throw new StoreUnavailableException("the backlog database " + where + " recorded schema version "
            + m.version() + " (" + m.description() + ") with checksum " + sum + ", but this library's script has "
            + m.checksum() + "; the database was migrated by a different build, restore a matching backlog"
            + " release or use another database", null);
      }
    }
    return applied.keySet().containsAll(migrations.stream().map(Migration::version).toList());
  }

  private void bootstrap(Connection c) throws SQLException {
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
        s.execute("INSERT INTO backlog_schema_lock (id) SELECT 1 WHERE NOT EXISTS"
            + " (SELECT 1 FROM backlog_schema_lock WHERE id = 1)");
      } catch (SQLException e) {
        if (SqlErrors.classify(e) != SqlErrors.Kind.DUPLICATE) {
          throw e;
        }
      }
    }
  }

  private void lockH2(Connection c, String me) throws SQLException {
    long deadline = System.nanoTime() + H2_LOCK_WAIT_MILLIS * 1_000_000L;
    long pause = 20;
    try (PreparedStatement ps = c.prepareStatement("UPDATE backlog_schema_lock SET locked_by = ?,"
        + " locked_until = DATEADD(SECOND, 60, CURRENT_TIMESTAMP) WHERE id = 1"
        + " AND (locked_by IS NULL OR locked_until < CURRENT_TIMESTAMP)")) {
      ps.setString(1, me);
      while (ps.executeUpdate() == 0) {
        if (System.nanoTime() > deadline) {
          throw new StoreUnavailableException("another process has been migrating the backlog database " + where
              + " for more than " + H2_LOCK_WAIT_MILLIS / 1000 + " s; wait for it to finish and retry", null);
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreUnavailableException("interrupted while waiting to migrate the backlog database " + where,
              null);
        }
        pause = Math.min(500, pause * 2);
      }
    }
  }

  private void applyMissing(Connection c) throws SQLException {
    SortedMap<Integer, String> applied = readHistory(c);
    if (applied == null) {
      throw new SQLException("backlog_schema_history vanished while migrating", "42S02");
    }
    if (check(applied)) {
      return;
    }
    for (Migration m : migrations) {
      if (applied.containsKey(m.version())) {
        continue;
      }
      LOG.info("applying backlog schema version {} ({}) to {}", m.version(), m.description(), where);
      boolean transactional = dialect == Dialect.POSTGRESQL;
      c.setAutoCommit(!transactional);
      try (Statement s = c.createStatement()) {
        for (String sql : statements(m.script())) {
          s.execute(sql);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO backlog_schema_history"
            + " (version, description, checksum, installed_at) VALUES (?, ?, ?, ?)")) {
          ps.setInt(1, m.version());
          ps.setString(2, m.description());
          ps.setString(3, m.checksum());
          ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
          ps.executeUpdate();
        }
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

  /** Splits a script into statements: each ends with a semicolon at the end of a line; comment lines are dropped. */
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
