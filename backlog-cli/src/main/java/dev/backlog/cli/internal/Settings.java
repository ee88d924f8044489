package dev.backlog.cli.internal;

import java.nio.file.Path;

/**
 * Where the command connects and who it acts as, after applying precedence: flags, then
 * environment, then the project config, then the home config, then defaults.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 *
 * @param home the backlog home directory (default H2 file, home config)
 * @param dbUrl the JDBC URL, or null for the default H2 file under {@code home}
 * @param dbUser the database user, or null
 * @param dbPassword the database password, or null
 * @param actor who events are attributed to
 * @param sources where each value came from, for {@code --verbose} output
 */
public record Settings(
    Path home, String dbUrl, String dbUser, String dbPassword, String actor, String sources) {

  /** Masks the password wherever it may appear. */
  public Redaction redaction() {
    return Redaction.forUrl(dbUrl, dbPassword);
  }

  /** The database URL as it may be shown (passwords masked). */
  public String displayUrl() {
    return dbUrl == null ? "(default H2 file under " + home + ")" : redaction().apply(dbUrl);
  }

  @Override
  public String toString() {
    return "Settings[home="
        + home
        + ", db="
        + displayUrl()
        + ", user="
        + dbUser
        + ", password="
        + (dbPassword == null ? "none" : Redaction.MASK)
        + ", actor="
        + actor
        + "]";
  }
}
