package dev.backlog.benchmarks.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a number of workers side by side, each in its own thread, until the time is up or there is
 * nothing left to claim, and collects what they did.
 *
 * <p>Thread-safe: each call runs its own workers.
 */
public final class LoadDriver {

  private LoadDriver() {}

  /** One worker's loop. Not shared between threads. */
  public interface Worker extends AutoCloseable {
    /**
     * Claims and completes once, adding the claim's latency to {@code claimLatencies} when it
     * returned work.
     *
     * @return the cards completed, or -1 when there was nothing to claim
     */
    int step(Latencies claimLatencies) throws Exception;

    /**
     * Transactions this worker committed (client-side count), or -1 when it does not count them.
     */
    default long transactions() {
      return -1;
    }

    @Override
    default void close() throws SQLException {}
  }

  /** Makes the worker with a given index (0-based). */
  @FunctionalInterface
  public interface WorkerFactory {
    /** Opens worker {@code index}. */
    Worker open(int index) throws Exception;
  }

  /**
   * What a run did.
   *
   * @param cards cards completed
   * @param seconds wall time from the start until the last worker stopped
   * @param latencies every claim latency that returned work
   * @param transactions client-counted transactions, or -1 when a worker did not count them
   * @param emptied whether a worker found nothing to claim before the run's time was up
   */
  public record Run(
      long cards, double seconds, Latencies latencies, long transactions, boolean emptied) {

    /** A run whose workers never ran out of cards, or whose caller does not ask. */
    public Run(long cards, double seconds, Latencies latencies, long transactions) {
      this(cards, seconds, latencies, transactions, false);
    }

    /** Cards per second. */
    public double rate() {
      return seconds <= 0 ? 0 : cards / seconds;
    }

    /**
     * This run, when its workers had cards to claim until its time was up.
     *
     * @throws IllegalStateException when a worker found nothing to claim before then: part of the
     *     run measured workers with no work, so its rate says little about the system
     */
    public Run requireWork(String what) {
      if (emptied) {
        throw new IllegalStateException(
            what
                + ": a worker found no card to claim before the round's time was up, so the pool"
                + " of ready cards ran out; make it larger or refill it between rounds (ReadyPool)");
      }
      return this;
    }
  }

  /**
   * Runs {@code workers} workers until {@code limit} elapses or each finds nothing to claim.
   *
   * @throws IllegalStateException when a worker fails; the failure is the cause
   */
  public static Run run(int workers, Duration limit, WorkerFactory factory)
      throws InterruptedException {
    List<Worker> opened = new ArrayList<>();
    try {
      for (int i = 0; i < workers; i++) {
        opened.add(factory.open(i));
      }
    } catch (Exception e) {
      closeAll(opened);
      throw new IllegalStateException(
          "cannot open benchmark worker " + opened.size() + ": " + e.getMessage(), e);
    }
    CountDownLatch ready = new CountDownLatch(workers);
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong cards = new AtomicLong();
    AtomicBoolean emptied = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Latencies> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long[] deadline = new long[1];
    for (int i = 0; i < workers; i++) {
      Worker w = opened.get(i);
      Latencies lat = new Latencies();
      perThread.add(lat);
      Thread t =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                  while (System.nanoTime() < deadline[0] && failure.get() == null) {
                    int done = w.step(lat);
                    if (done < 0) {
                      if (System.nanoTime() < deadline[0]) {
                        emptied.set(true);
                      }
                      break;
                    }
                    cards.addAndGet(done);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "bench-worker-" + i);
      threads.add(t);
      t.start();
    }
    ready.await();
    long start = System.nanoTime();
    deadline[0] = start + limit.toNanos();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long end = System.nanoTime();
    long tx = 0;
    for (Worker w : opened) {
      long n = w.transactions();
      tx = n < 0 || tx < 0 ? -1 : tx + n;
    }
    closeAll(opened);
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark worker failed: " + failure.get(), failure.get());
    }
    Latencies all = new Latencies();
    perThread.forEach(all::addAll);
    return new Run(cards.get(), (end - start) / 1e9, all, tx, emptied.get());
  }

  private static void closeAll(List<Worker> workers) {
    for (Worker w : workers) {
      try {
        w.close();
      } catch (Exception e) {
        // The run's outcome is already decided; a failing close must not hide it.
      }
    }
  }
}
