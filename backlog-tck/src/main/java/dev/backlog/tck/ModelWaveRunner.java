package dev.backlog.tck;

import dev.backlog.core.Backlog;
import dev.backlog.core.CoalescingStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a {@link ModelOperations.Wave}'s calls as several logical workers at once through one
 * coalescing backlog, in a known order: the first call's transaction is held at the gate while the
 * others queue behind it one by one, so they share the next transaction in that order, which the
 * model then follows.
 *
 * <p>Not thread-safe; one model try uses it from one thread.
 */
final class ModelWaveRunner {

  private static final Duration BOUND = Duration.ofSeconds(60);

  private final GatedStore gate;
  private final Backlog backlog;
  private final ExecutorService pool;

  ModelWaveRunner(GatedStore gate, Backlog backlog, ExecutorService pool) {
    this.gate = gate;
    this.backlog = backlog;
    this.pool = pool;
  }

  /**
   * Runs the calls (all claims when {@code claims}, else all completions) and returns each call's
   * outcome in order: its result, or the exception it raised.
   */
  List<Object> run(List<Callable<Object>> calls, boolean claims) throws InterruptedException {
    Supplier<CoalescingStats.Group> group =
        claims
            ? () -> backlog.coalescingStats().claims()
            : () -> backlog.coalescingStats().completions();
    List<Future<Object>> futures = new ArrayList<>();
    gate.holdNext();
    try {
      futures.add(pool.submit(calls.get(0)));
      gate.awaitHeld();
      for (int i = 1; i < calls.size(); i++) {
        futures.add(pool.submit(calls.get(i)));
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (group.get().waiting() < i) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("call " + i + " of a wave did not queue within " + BOUND);
          }
          Thread.sleep(1);
        }
      }
    } finally {
      gate.open();
    }
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> f : futures) {
      try {
        outcomes.add(f.get(BOUND.toSeconds(), TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        outcomes.add(e.getCause());
      } catch (TimeoutException e) {
        throw new AssertionError("a call of a wave was left waiting for " + BOUND, e);
      }
    }
    return outcomes;
  }
}
