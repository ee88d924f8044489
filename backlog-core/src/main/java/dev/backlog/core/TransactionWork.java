package dev.backlog.core;

/**
 * Work grouped into one transaction by {@link Backlog#inTransaction}. It may run more than once
 * when the store retries a transient failure, so keep side effects in {@link
 * BacklogTransaction#afterCommit}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface TransactionWork<T> {

  /** Runs the work. */
  T run(BacklogTransaction tx);
}
