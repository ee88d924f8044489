package dev.backlog.jdbc.internal;

/**
 * How a dialect tells waiting claimers that work may have become claimable in another process: on
 * H2 a moved event counter, polled; on PostgreSQL LISTEN/NOTIFY.
 *
 * <p>Implementations are thread-safe.
 */
public interface ChangeFeed extends AutoCloseable {

  /** After a commit that may have made work claimable: tells other processes (or nothing). */
  void committed();

  /** Starts watching and returns a mark to compare against. */
  long mark();

  /**
   * The longest a waiter sleeps, at most {@code remainingNanos}, before it looks at the feed again.
   */
  long sliceNanos(long remainingNanos);

  /**
   * Whether something changed since {@code mark}, or the feed cannot tell (the waiter returns
   * then).
   */
  boolean changedSince(long mark);

  /** Stops watching. */
  @Override
  void close();
}
