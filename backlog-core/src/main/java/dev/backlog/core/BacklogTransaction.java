package dev.backlog.core;

/**
 * The operations of one open transaction, passed to {@link Backlog#inTransaction}. Valid only while
 * the callback runs, on the thread that runs it.
 */
public interface BacklogTransaction extends BacklogOperations {

  /**
   * Defers an action until the transaction committed. Deferred actions run in registration order on
   * the committing thread; after a rollback they never run. A failing action is logged and does not
   * stop the others.
   */
  void afterCommit(Runnable action);
}
