package dev.backlog.tracker.github;

import java.time.Duration;

/**
 * Waits for a while: how the GitHub provider pauses between writes and for rate limits. The system
 * sleeper calls {@link Thread#sleep}; tests hand in one that advances a virtual clock instead, so
 * that waits cost no real time.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /** The sleeper that really sleeps. */
  Sleeper SYSTEM =
      duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
          Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        }
      };

  /**
   * Waits for the duration (nothing for zero or a negative duration).
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  void sleep(Duration duration) throws InterruptedException;
}
