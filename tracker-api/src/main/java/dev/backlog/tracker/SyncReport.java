package dev.backlog.tracker;

/**
 * What one {@code sync} did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param drained ops completed by this sync
 * @param quarantined ops this sync set aside after too many failures
 * @param conflicted ops this sync found in conflict with the remote
 * @param remaining ops still pending afterwards
 */
public record SyncReport(int drained, int quarantined, int conflicted, int remaining) {

  /** Nothing to do. */
  public static final SyncReport EMPTY = new SyncReport(0, 0, 0, 0);

  /** Checks the counts. */
  public SyncReport {
    if (drained < 0 || quarantined < 0 || conflicted < 0 || remaining < 0) {
      throw new IllegalArgumentException("sync counts must not be negative");
    }
  }
}
