package dev.backlog.core.spi;

import java.time.Duration;

/**
 * Where cards, leases and events are kept. Implementations must pass the backlog-tck contracts.
 *
 * <p>A store is the single authority on the status machine, fencing, the DAG and the event stream:
 * {@link dev.backlog.core.Backlog} validates input and adds policy, listeners and deferred side
 * effects on top. Implementations must be thread-safe. Methods added later are default methods.
 */
public interface BacklogStore extends AutoCloseable {

  /**
   * Runs work in one transaction: commits when it returns, rolls back when it throws (and
   * rethrows). Before committing, the store checks what can only be checked at the end of a
   * transaction, such as dependencies named by a card that was created earlier in the same
   * transaction.
   */
  <T> T inTransaction(StoreWork<T> work);

  /**
   * Runs work that is a single operation of the transaction and nothing else: one claim, one
   * completion, or one coalesced batch of either ({@link StoreTransaction#claimEach}, {@link
   * StoreTransaction#completeEach}), with no statement of its own before or after it, and no
   * failure of its own after the operation returned. Same contract as {@link #inTransaction}
   * otherwise. A store may then commit the operation in the round trip of its own statement; when
   * the answer to such a statement is lost, the store finds out what it did before it runs the work
   * again, so nothing is done twice. The default runs {@link #inTransaction}.
   */
  default <T> T inSingleOperation(StoreWork<T> work) {
    return inTransaction(work);
  }

  /**
   * Waits up to {@code timeout} for a change that may have made work claimable (a create, a
   * completion, a release…). May return early or spuriously; callers re-check by claiming. The
   * default waits a short polling interval.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  default void awaitChange(Duration timeout) throws InterruptedException {
    long millis = Math.max(1, Math.min(timeout.toMillis(), 100));
    Thread.sleep(millis);
  }

  /**
   * How many coalesced transactions of one kind this store runs well side by side while that kind
   * of call is lightly used: the {@link dev.backlog.core.Backlog.Builder#coalescedInFlight} a
   * backlog uses unless it is configured. A store whose transactions serialize anyway (one
   * in-process database that writes at every commit) does better with 1, which lets calls queue
   * behind the transaction in flight and share the next. The default is {@value
   * dev.backlog.core.Backlog#DEFAULT_COALESCED_IN_FLIGHT}.
   */
  default int coalescedInFlight() {
    return dev.backlog.core.Backlog.DEFAULT_COALESCED_IN_FLIGHT;
  }

  /** A short description for logs and status output; never contains secrets. */
  default String describe() {
    return getClass().getSimpleName();
  }

  /** Releases the store's resources. */
  @Override
  void close();
}
