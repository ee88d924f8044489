package dev.backlog.maven;

import java.net.InetAddress;
import java.time.Duration;
import org.apache.maven.execution.MavenSession;

/**
 * What {@code backlog:work} (or the build extension) claims: a card by id, or the next claimable
 * card of a phase (or of any phase), for an owner with a TTL. Immutable.
 *
 * @param card the card id, or null
 * @param phase the phase, or null
 * @param owner the lease owner
 * @param ttl the lease TTL; renewed every third of it
 * @param failIfNone whether finding nothing claimable fails the build
 */
record WorkRequest(String card, String phase, String owner, Duration ttl, boolean failIfNone) {

  /** The default TTL in seconds. */
  static final int DEFAULT_TTL_SECONDS = 300;

  /** The request from {@code -D} properties (what the build extension reads). */
  static WorkRequest fromProperties(MavenSession session) {
    String ttl = Props.get(session, "backlog.ttl");
    String owner = Props.get(session, "backlog.owner");
    return new WorkRequest(
        Props.get(session, "backlog.card"),
        Props.get(session, "backlog.phase"),
        owner == null ? defaultOwner(session) : owner,
        Duration.ofSeconds(ttl == null ? DEFAULT_TTL_SECONDS : parseSeconds(ttl)),
        Boolean.parseBoolean(Props.get(session, "backlog.failIfNone")));
  }

  private static long parseSeconds(String ttl) {
    try {
      return Long.parseLong(ttl);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "backlog.ttl '" + ttl + "' is not a whole number of seconds; give e.g. 300", e);
    }
  }

  /** {@code maven@<host>:<artifactId of the top-level project>}. */
  static String defaultOwner(MavenSession session) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    String project =
        session.getTopLevelProject() != null
            ? session.getTopLevelProject().getArtifactId()
            : session.getCurrentProject() != null
                ? session.getCurrentProject().getArtifactId()
                : "build";
    return "maven@" + host + ":" + project;
  }
}
