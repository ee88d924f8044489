package dev.backlog.jdbc.internal;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A statement written with {@code :name} parameters, compiled once into plain JDBC form: the text
 * with {@code ?} in their place and, per name, the positions it fills. Most of the store's
 * statements run through it on the transaction's connection instead of through the SQL library's
 * statement machinery, whose per-statement set-up (configuration copies, argument and mapper
 * look-ups) costs more client time than the statement itself on a fast local database, and whose
 * first use in a process costs a short-lived command about 0.15 s.
 *
 * <p>Immutable and thread-safe; the statements it prepares are not.
 */
public final class NamedSql {

  private final String named;
  private final String jdbc;
  private final Map<String, int[]> positions;

  private NamedSql(String named, String jdbc, Map<String, int[]> positions) {
    this.named = named;
    this.jdbc = jdbc;
    this.positions = positions;
  }

  /**
   * Compiles {@code sql}. A parameter is a colon followed by a Java identifier, outside quoted
   * text; {@code ::} casts are left alone.
   *
   * @throws IllegalArgumentException when a quote is not closed
   */
  public static NamedSql compile(String sql) {
    Objects.requireNonNull(sql, "sql");
    StringBuilder out = new StringBuilder(sql.length());
    Map<String, List<Integer>> found = new HashMap<>();
    int index = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed " + c + " in SQL: " + sql);
        }
        out.append(sql, i, end + 1);
        i = end + 1;
      } else if (c == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
        out.append("::");
        i += 2;
      } else if (c == ':'
          && i + 1 < sql.length()
          && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < sql.length() && Character.isJavaIdentifierPart(sql.charAt(end))) {
          end++;
        }
        found.computeIfAbsent(sql.substring(i + 1, end), k -> new ArrayList<>()).add(++index);
        out.append('?');
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    Map<String, int[]> positions = new HashMap<>();
    found.forEach(
        (name, at) -> positions.put(name, at.stream().mapToInt(Integer::intValue).toArray()));
    return new NamedSql(sql, out.toString(), Map.copyOf(positions));
  }

  /** The text as written, with {@code :name} parameters. */
  public String named() {
    return named;
  }

  /** The text with {@code ?} parameters. */
  public String jdbc() {
    return jdbc;
  }

  /**
   * Prepares the statement on {@code connection}; the caller binds with {@link #binder} and closes
   * it.
   */
  public PreparedStatement prepare(Connection connection) throws SQLException {
    return connection.prepareStatement(jdbc);
  }

  /** Binds values by name on a statement this object prepared. */
  public Binder binder(PreparedStatement statement) {
    return new Binder(statement);
  }

  /** Sets parameters by name. Not thread-safe. */
  public final class Binder {
    private final PreparedStatement statement;

    private Binder(PreparedStatement statement) {
      this.statement = statement;
    }

    /** Binds {@code value} to every position of parameter {@code name}. */
    public Binder set(String name, SqlValue value) throws SQLException {
      int[] at = positions.get(name);
      if (at == null) {
        throw new IllegalArgumentException("no parameter :" + name + " in " + named);
      }
      for (int p : at) {
        value.bind(statement, p);
      }
      return this;
    }

    /** Binds a text value, or SQL null. */
    public Binder set(String name, String value) throws SQLException {
      return set(name, SqlValue.of(value));
    }

    /** Binds a card id, or SQL null. */
    public Binder set(String name, CardId value) throws SQLException {
      return set(name, SqlValue.of(value));
    }

    /** Binds a 32-bit integer, or SQL null. */
    public Binder set(String name, Integer value) throws SQLException {
      return set(name, SqlValue.of(value));
    }

    /** Binds a 64-bit integer, or SQL null. */
    public Binder set(String name, Long value) throws SQLException {
      return set(name, SqlValue.of(value));
    }

    /** Binds a lease token, or SQL null. */
    public Binder set(String name, LeaseToken value) throws SQLException {
      return set(name, SqlValue.of(value));
    }

    /** Binds an instant as a timestamp with time zone, or SQL null. */
    public Binder set(String name, Instant value) throws SQLException {
      return set(name, SqlValue.of(value));
    }
  }
}
