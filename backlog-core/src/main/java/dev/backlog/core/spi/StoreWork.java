package dev.backlog.core.spi;

/**
 * Work run inside one store transaction. A store may run it more than once when a transient failure
 * (deadlock, serialization failure) forces a retry, so it must not have effects outside the
 * transaction.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface StoreWork<T> {

  /** Runs against the open transaction. */
  T run(StoreTransaction tx);
}
