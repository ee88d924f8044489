package dev.backlog.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backlog.core.spi.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on batches in flight of {@link GroupCommit}; what a batch does with a store is in
 * backlog-tck's coalescing contract.
 */
class GroupCommitTest {

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
  }

  /** A batch that echoes its requests and holds until a permit is given, counting batches. */
  private static final class HeldBatch implements GroupCommit.Batch<Integer, Integer> {
    final Semaphore permits = new Semaphore(0);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final List<List<Integer>> batches = new ArrayList<>();

    @Override
    public List<Outcome<Integer>> run(List<Integer> requests) {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      synchronized (batches) {
        batches.add(List.copyOf(requests));
      }
      started.incrementAndGet();
      try {
        permits.acquireUninterruptibly();
        return requests.stream().map(Outcome::of).toList();
      } finally {
        running.decrementAndGet();
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within 30 s: " + what);
      }
      Thread.sleep(1);
    }
  }

  /** Submits a call that must queue, and waits until it has, so arrival order is known. */
  private Future<Integer> queue(GroupCommit<Integer, Integer> group, int request)
      throws InterruptedException {
    int before = group.stats().waiting();
    Future<Integer> call = pool.submit(() -> group.submit(request));
    await(() -> group.stats().waiting() == before + 1, "call " + request + " queued");
    return call;
  }

  @Test
  void callsRunAtOnceWhileFewerThanTheBoundAreInFlightAndQueueBehindThemAfter() throws Exception {
    HeldBatch batch = new HeldBatch();
    GroupCommit<Integer, Integer> group = new GroupCommit<>(64, 2, batch);
    Future<Integer> first = pool.submit(() -> group.submit(1));
    Future<Integer> second = pool.submit(() -> group.submit(2));
    await(() -> batch.started.get() == 2, "two calls alone in flight at once");
    List<Future<Integer>> queued = new ArrayList<>();
    for (int i = 3; i <= 6; i++) {
      queued.add(queue(group, i));
    }
    assertEquals(2, batch.started.get(), "no third batch while two are in flight");

    batch.permits.release(1);
    await(() -> batch.started.get() == 3, "the queued calls' batch");
    batch.permits.release(100);
    assertEquals(1, first.get(30, TimeUnit.SECONDS));
    assertEquals(2, second.get(30, TimeUnit.SECONDS));
    for (int i = 0; i < queued.size(); i++) {
      assertEquals(i + 3, queued.get(i).get(30, TimeUnit.SECONDS));
    }
    assertEquals(List.of(3, 4, 5, 6), batch.batches.get(2), "one batch took the four, in order");
    assertEquals(2, batch.most.get());
    assertEquals(6, group.stats().calls());
    assertEquals(3, group.stats().transactions());
  }

  @Test
  void aFullBatchLeavesTheRestToLeadABatchBesideIt() throws Exception {
    HeldBatch batch = new HeldBatch();
    GroupCommit<Integer, Integer> group = new GroupCommit<>(2, 2, batch);
    Future<Integer> alone = pool.submit(() -> group.submit(0));
    await(() -> batch.started.get() == 1, "the first call alone");
    Future<Integer> filler = pool.submit(() -> group.submit(-1));
    await(() -> batch.started.get() == 2, "the second call alone beside it");
    List<Future<Integer>> queued = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      queued.add(queue(group, i));
    }
    // Both in-flight batches end; two batches of two take the four, side by side.
    batch.permits.release(2);
    await(() -> batch.started.get() == 4, "two batches of two beside each other");
    assertEquals(2, batch.running.get());
    batch.permits.release(100);
    assertEquals(0, alone.get(30, TimeUnit.SECONDS));
    assertEquals(-1, filler.get(30, TimeUnit.SECONDS));
    for (int i = 0; i < 4; i++) {
      assertEquals(i + 1, queued.get(i).get(30, TimeUnit.SECONDS));
    }
    assertEquals(
        java.util.Set.of(List.of(1, 2), List.of(3, 4)),
        java.util.Set.copyOf(batch.batches.subList(2, 4)),
        "each batch took two queued calls in arrival order");
  }

  @Test
  void manyThreadsNeverRunMoreBatchesAtOnceThanTheBound() throws Exception {
    for (int bound : new int[] {1, 3}) {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      GroupCommit<Integer, Integer> group =
          new GroupCommit<>(
              8,
              bound,
              requests -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.onSpinWait();
                running.decrementAndGet();
                return requests.stream().map(r -> Outcome.of(r * 2)).toList();
              });
      List<Future<Integer>> calls = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int base = t * 1000;
        calls.add(
            pool.submit(
                () -> {
                  int sum = 0;
                  for (int i = 0; i < 500; i++) {
                    assertEquals(2 * (base + i), group.submit(base + i));
                    sum++;
                  }
                  return sum;
                }));
      }
      for (Future<Integer> f : calls) {
        assertEquals(500, f.get(60, TimeUnit.SECONDS));
      }
      assertTrue(most.get() <= bound, "at most " + bound + " at once, saw " + most.get());
      assertEquals(16 * 500, group.stats().calls());
    }
  }

  @Test
  void aBoundBelowOneIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupCommit<Integer, Integer>(8, 0, r -> List.of()));
    assertTrue(e.getMessage().contains("maxInFlight 0"), e.getMessage());
  }
}
