package dev.backlog.git.coordination;

import java.util.Optional;

/**
 * Watches a {@link BookkeepingTransaction} pass the steps of its commit: for diagnostics, metrics,
 * and crash tests that stop a process at a chosen step. Called on the committing thread while the
 * mission lock is held, so it must return quickly. An exception it throws is logged and ignored: an
 * observer never changes what a transaction commits.
 *
 * <p>Implementations must be thread-safe when one coordinator is used from several threads.
 */
@FunctionalInterface
public interface BookkeepingObserver {

  /** An observer that does nothing: the default. */
  BookkeepingObserver NONE = (step, transactionId, gitCommit) -> {};

  /** The steps of a bookkeeping commit, in the order they are reached. */
  enum Step {
    /** The events were appended to the event log; the status file is not written yet. */
    APPENDED,
    /** The status file was materialized from the log; nothing is committed yet. */
    MATERIALIZED,
    /** The {@code git commit} process started (its hooks may be running); it is passed along. */
    COMMIT_STARTED,
    /** The commit landed on the coordination branch; the intent journal is still on disk. */
    COMMITTED
  }

  /**
   * Called when a transaction reaches a step.
   *
   * @param step the step reached
   * @param transactionId the transaction's id
   * @param gitCommit the running {@code git commit} process for {@link Step#COMMIT_STARTED}, else
   *     empty
   */
  void reached(Step step, String transactionId, Optional<ProcessHandle> gitCommit);
}
