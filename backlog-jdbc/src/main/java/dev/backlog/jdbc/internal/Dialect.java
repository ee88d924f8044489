package dev.backlog.jdbc.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * The databases the JDBC store speaks, chosen from the JDBC URL or the product name a connection
 * reports; each names the {@link SqlDialect} that holds everything the store does differently on
 * it.
 *
 * <p>Immutable and thread-safe.
 */
public enum Dialect {
  /** H2 2.x, embedded (in-memory or file) or through its server. */
  H2("h2", H2Dialect.INSTANCE),
  /** PostgreSQL 13 or later. */
  POSTGRESQL("postgresql", PostgresDialect.INSTANCE);

  private final String folder;
  private final SqlDialect sql;

  Dialect(String folder, SqlDialect sql) {
    this.folder = folder;
    this.sql = sql;
  }

  /** What the store does on this database. */
  public SqlDialect sql() {
    return sql;
  }

  /** The dialect a JDBC URL names, if it is one this store speaks. */
  public static Optional<Dialect> fromUrl(String url) {
    if (url == null) {
      return Optional.empty();
    }
    String lower = url.trim().toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      return Optional.of(H2);
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return Optional.of(POSTGRESQL);
    }
    return Optional.empty();
  }

  /** The dialect of a database product name as JDBC metadata reports it. */
  public static Optional<Dialect> fromProductName(String product) {
    if (product == null) {
      return Optional.empty();
    }
    String lower = product.toLowerCase(Locale.ROOT);
    if (lower.contains("h2")) {
      return Optional.of(H2);
    }
    if (lower.contains("postgres")) {
      return Optional.of(POSTGRESQL);
    }
    return Optional.empty();
  }

  /** The product name for messages. */
  public String displayName() {
    return sql.displayName();
  }

  /** The resource folder holding this dialect's migrations. */
  public String migrationFolder() {
    return "dev/backlog/jdbc/migrations/" + folder + "/";
  }
}
