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
  void whileLightlyUsedCallsRunAtOnceSideBySideUpToTheBound() throws Exception {
    HeldBatch batch = new HeldBatch();
    GroupCommit<Integer, Integer> group = new GroupCommit<>(64, 3, batch);
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int request = i;
      calls.add(pool.submit(() -> group.submit(request)));
      int started = i;
      await(() -> batch.started.get() == started, "call " + i + " alone beside the others");
    }
    calls.add(queue(group, 4));
    assertEquals(3, batch.started.get(), "no fourth transaction while three are in flight");

    batch.permits.release(1);
    await(() -> batch.started.get() == 4, "the fourth call once a transaction ended");
    batch.permits.release(100);
    for (int i = 0; i < 4; i++) {
      assertEquals(i + 1, calls.get(i).get(30, TimeUnit.SECONDS));
    }
    assertEquals(3, batch.most.get());
    assertEquals(List.of(4), batch.batches.get(3));
    assertEquals(4, group.stats().transactions());
  }

  @Test
  void underLoadOneBatchAtATimeTakesEveryQueuedCall() throws Exception {
    HeldBatch batch = new HeldBatch();
    GroupCommit<Integer, Integer> group = new GroupCommit<>(64, 2, batch);
    Future<Integer> first = pool.submit(() -> group.submit(-1));
    await(() -> batch.started.get() == 1, "the first call alone");
    Future<Integer> second = pool.submit(() -> group.submit(0));
    await(() -> batch.started.get() == 2, "the second call alone beside it, while lightly used");
    List<Future<Integer>> queued = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      queued.add(queue(group, i));
    }
    // Forty calls waiting is load: when one of the two transactions ends, none starts beside the
    // other; the queued calls wait for it and then share one.
    batch.permits.release(1);
    await(() -> batch.running.get() == 1, "one of the two ended");
    Thread.sleep(100);
    assertEquals(2, batch.started.get(), "no transaction beside the one in flight under load");

    batch.permits.release(1);
    await(() -> batch.started.get() == 3, "the queued calls' batch");
    batch.permits.release(100);
    assertEquals(-1, first.get(30, TimeUnit.SECONDS));
    assertEquals(0, second.get(30, TimeUnit.SECONDS));
    for (int i = 0; i < queued.size(); i++) {
      assertEquals(i + 1, queued.get(i).get(30, TimeUnit.SECONDS));
    }
    assertEquals(
        java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList(),
        batch.batches.get(2),
        "one batch took the forty, in arrival order");
    assertEquals(2, batch.most.get());
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

  /** A call on a thread of its own, so that a test can interrupt exactly it. */
  private static final class Caller {
    final Thread thread;
    final java.util.concurrent.CompletableFuture<Integer> result =
        new java.util.concurrent.CompletableFuture<>();
    volatile boolean interruptedAfter;

    Caller(GroupCommit<Integer, Integer> group, int request) {
      thread =
          new Thread(
              () -> {
                try {
                  result.complete(group.submit(request));
                  interruptedAfter = Thread.currentThread().isInterrupted();
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
              });
      thread.start();
    }
  }

  /** A group of one batch at a time, its batch and calls 1 to 3. */
  private record Scene(
      HeldBatch batch,
      GroupCommit<Integer, Integer> group,
      Caller first,
      Caller second,
      Caller third) {}

  /** Call 1 runs alone and is held; calls 2 and 3 queue behind it, in that order. */
  private static Scene oneRunningTwoQueued() throws InterruptedException {
    HeldBatch batch = new HeldBatch();
    GroupCommit<Integer, Integer> group = new GroupCommit<>(64, 1, batch);
    Caller first = new Caller(group, 1);
    await(() -> batch.started.get() == 1, "the first call alone");
    Caller second = new Caller(group, 2);
    await(() -> group.stats().waiting() == 1, "the second call queued");
    Caller third = new Caller(group, 3);
    await(() -> group.stats().waiting() == 2, "the third call queued");
    return new Scene(batch, group, first, second, third);
  }

  @Test
  void aQueuedCallInterruptedBeforeABatchTookItLeavesTheQueueHavingDoneNothing() throws Exception {
    Scene scene = oneRunningTwoQueued();

    scene.second().thread.interrupt();
    java.util.concurrent.ExecutionException refused =
        assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> scene.second().result.get(30, TimeUnit.SECONDS));
    assertTrue(refused.getCause() instanceof InterruptedException, refused.toString());
    assertEquals(1, scene.group().stats().waiting(), "it left the queue");

    scene.batch().permits.release(100);
    assertEquals(1, scene.first().result.get(30, TimeUnit.SECONDS));
    assertEquals(3, scene.third().result.get(30, TimeUnit.SECONDS));
    assertEquals(
        List.of(List.of(1), List.of(3)), scene.batch().batches, "no batch ran the second call");
  }

  @Test
  void aCallTakenIntoABatchGetsItsResultWhenInterruptedAndKeepsTheInterrupt() throws Exception {
    Scene scene = oneRunningTwoQueued();
    scene.batch().permits.release(1);
    await(() -> scene.batch().started.get() == 2, "the batch of the two queued calls");

    scene.third().thread.interrupt();
    Thread.sleep(50);
    assertTrue(scene.third().thread.isAlive(), "a call in a running batch waits for its result");
    scene.batch().permits.release(100);
    assertEquals(1, scene.first().result.get(30, TimeUnit.SECONDS));
    assertEquals(2, scene.second().result.get(30, TimeUnit.SECONDS));
    assertEquals(3, scene.third().result.get(30, TimeUnit.SECONDS));
    scene.third().thread.join(30_000);
    assertTrue(scene.third().interruptedAfter, "the interrupt is kept for the caller");
    assertEquals(List.of(List.of(1), List.of(2, 3)), scene.batch().batches);
  }

  @Test
  void aBatchThatFailsHandsItsFailureToEveryCallInIt() throws Exception {
    Semaphore hold = new Semaphore(0);
    AtomicInteger batches = new AtomicInteger();
    GroupCommit<Integer, Integer> group =
        new GroupCommit<>(
            64,
            1,
            requests -> {
              hold.acquireUninterruptibly();
              if (batches.incrementAndGet() == 2) {
                throw new IllegalStateException("the connection broke");
              }
              return requests.stream().map(Outcome::of).toList();
            });
    Caller first = new Caller(group, 1);
    await(() -> hold.hasQueuedThreads(), "the first call alone");
    List<Caller> queued = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      queued.add(new Caller(group, i));
      int waiting = i - 1;
      await(() -> group.stats().waiting() == waiting, "call " + i + " queued");
    }
    hold.release(100);
    assertEquals(1, first.result.get(30, TimeUnit.SECONDS));
    for (Caller c : queued) {
      java.util.concurrent.ExecutionException failed =
          assertThrows(
              java.util.concurrent.ExecutionException.class,
              () -> c.result.get(30, TimeUnit.SECONDS));
      assertTrue(failed.getCause() instanceof IllegalStateException, failed.toString());
    }
    assertEquals(2, group.stats().transactions());
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
