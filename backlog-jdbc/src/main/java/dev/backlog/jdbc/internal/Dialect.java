package dev.backlog.jdbc.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * The databases the JDBC store speaks, chosen from the JDBC URL.
 *
 * <p>Immutable and thread-safe.
 */
public enum Dialect {
  /** H2 2.x, embedded (in-memory or file) or through its server. */
  H2("H2", "h2", "NEXT VALUE FOR lease_tokens", "FOR UPDATE"),
  /** PostgreSQL 13 or later. */
  POSTGRESQL("PostgreSQL", "postgresql", "nextval('lease_tokens')", "FOR SHARE");

  private final String displayName;
  private final String folder;
  private final String nextToken;
  private final String shareLock;

  Dialect(String displayName, String folder, String nextToken, String shareLock) {
    this.displayName = displayName;
    this.folder = folder;
    this.nextToken = nextToken;
    this.shareLock = shareLock;
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
    return displayName;
  }

  /** The resource folder holding this dialect's migrations. */
  public String migrationFolder() {
    return "dev/backlog/jdbc/migrations/" + folder + "/";
  }

  /** The SQL expression that draws the next lease token. */
  public String nextToken() {
    return nextToken;
  }

  /**
   * The condition for a claimable card of table {@code cards}, as the claim indexes' predicate
   * states it: PostgreSQL's partial indexes name the stored {@code claimable} column, H2's claim
   * index leads with the two columns it is computed from.
   */
  public String claimable() {
    return this == POSTGRESQL ? "claimable" : "status = 'ready' AND unmet_deps = 0";
  }

  /** The row lock that keeps a dependency's status stable until commit. */
  public String shareLock() {
    return shareLock;
  }
}
