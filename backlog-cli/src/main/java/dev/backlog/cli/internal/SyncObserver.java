package dev.backlog.cli.internal;

/**
 * Watches {@code tracker sync} apply the backlog's events to the tracker: a seam injected into
 * {@link Cli}, {@link #NONE} in production, and in the crash test an observer that stops the
 * process after a chosen event, as a kill would. Called on the command's thread after each event
 * and before the bridge records its cursor; an exception it throws ends the sync, which a rerun
 * repairs. Implementations must be thread-safe when one {@code Cli} runs several commands at once.
 */
@FunctionalInterface
public interface SyncObserver {

  /** An observer that does nothing: the production default. */
  SyncObserver NONE = applied -> {};

  /**
   * Called after each event the sync handled.
   *
   * @param applied how many events this sync has applied so far, counting from 1
   */
  void afterEvent(long applied);
}
