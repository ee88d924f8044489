package dev.backlog.git.coordination.internal;

/**
 * Crash testing support: when the system property {@code backlog.coord.faultPoint} names a point,
 * the process halts there abruptly (no shutdown hooks, no finally blocks), as a kill would.
 * Without the property nothing happens.
 */
public final class FaultPoints {

  /** The system property that names the fault point. */
  public static final String PROPERTY = "backlog.coord.faultPoint";

  private FaultPoints() {
  }

  /** Halts the JVM with status 137 when {@code point} is the configured fault point. */
  public static void reach(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      Runtime.getRuntime().halt(137);
    }
  }

  /** Whether {@code point} is the configured fault point. */
  public static boolean armed(String point) {
    return point.equals(System.getProperty(PROPERTY));
  }
}
