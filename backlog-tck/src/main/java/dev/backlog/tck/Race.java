package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.fail;

import dev.backlog.core.Backlog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the workers of one {@link BacklogStoreConcurrencyContract} race together and collects
 * their results.
 *
 * <p>Stateless.
 */
final class Race {

  private Race() {}

  /**
   * Runs the tasks on {@code pool}, all released at once, and waits for them within {@code
   * timeout}; a stuck race fails with {@code backlog}'s stats, a failed worker with its assertion.
   */
  static <T> List<T> runTogether(
      ExecutorService pool, Duration timeout, Backlog backlog, List<Callable<T>> tasks)
      throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                go.await();
                return task.call();
              }));
    }
    go.countDown();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      try {
        results.add(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        futures.forEach(f -> f.cancel(true));
        fail(
            "the workers did not finish within "
                + timeout
                + "; the store may have lost a card or"
                + " deadlocked. "
                + backlog.stats());
      } catch (ExecutionException e) {
        futures.forEach(f -> f.cancel(true));
        AssertionError failure =
            e.getCause() instanceof AssertionError assertion
                ? assertion
                : new AssertionError("a worker failed: " + e.getCause(), e.getCause());
        // The first failed future in list order need not be the first failure: a worker that
        // failed first may have left the others waiting. Keep every worker's failure.
        for (Future<T> other : futures) {
          Throwable cause = failureOf(other);
          if (cause != null && cause != e.getCause()) {
            failure.addSuppressed(cause);
          }
        }
        throw failure;
      }
    }
    return results;
  }

  /** The exception a finished future failed with, or null. */
  private static Throwable failureOf(Future<?> future) {
    if (!future.isDone() || future.isCancelled()) {
      return null;
    }
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
