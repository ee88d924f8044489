package dev.backlog.maven;

import org.apache.maven.execution.MavenSession;

/** Reads {@code -D} properties of a session: user properties first, then system properties. */
final class Props {
  private Props() {}

  /** The property's value, or null when it is unset or blank. */
  static String get(MavenSession session, String name) {
    String value = session.getUserProperties().getProperty(name);
    if (value == null) {
      value = session.getSystemProperties().getProperty(name);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }
}
