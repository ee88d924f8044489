package dev.backlog.core.internal;

import dev.backlog.core.CoalescingStats;
import dev.backlog.core.spi.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Leader/follower group commit for one kind of call. A call that finds fewer than {@code
 * maxInFlight} batches in flight (and no call queued before it) runs at once, alone: an idle
 * backlog adds no wait. Calls arriving while the bound is reached queue; when a batch ends, the
 * oldest queued call becomes the leader and runs one batch for up to {@code maxBatch} queued calls,
 * in arrival order, handing each its own outcome; calls a full batch leaves behind may lead one
 * beside it while the bound allows. A batch that fails as a whole hands its exception to every
 * caller in it. A follower already taken into a batch always gets that batch's result (an interrupt
 * then only sets its interrupt flag); a follower interrupted before it was taken leaves the queue.
 *
 * <p>Thread-safe.
 *
 * @param <R> the request of one call
 * @param <T> the result of one call
 */
public final class GroupCommit<R, T> {

  /** Runs one batch in one transaction. */
  @FunctionalInterface
  public interface Batch<R, T> {
    /** Runs the requests; returns one outcome per request, in order, or throws to fail them all. */
    List<Outcome<T>> run(List<R> requests);
  }

  /**
   * The weight of one arrival in {@code load}, the moving average of the calls of this kind in
   * flight or queued (counting the arriving one) as each call arrives.
   */
  private static final double LOAD_WEIGHT = 1.0 / 16;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Pending<R, T>> queue = new ArrayDeque<>();
  private final int maxBatch;
  private final int maxInFlight;
  private final Batch<R, T> batch;
  private int running;
  private int callsInFlight;
  private double load;
  private long transactions;
  private long calls;
  private long shared;
  private int largest;

  /** A group commit that runs one batch of at most {@code maxBatch} calls at a time. */
  public GroupCommit(int maxBatch, Batch<R, T> batch) {
    this(maxBatch, 1, batch);
  }

  /**
   * A group commit that runs up to {@code maxInFlight} batches at a time, each of at most {@code
   * maxBatch} calls, with {@code batch}.
   */
  public GroupCommit(int maxBatch, int maxInFlight, Batch<R, T> batch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch " + maxBatch + " must be at least 1");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
    }
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.batch = batch;
  }

  /**
   * Runs one call, alone or in a batch with the calls queued beside it, and returns its result or
   * throws its refusal or the batch's failure.
   *
   * @throws InterruptedException when interrupted before a batch took the call (nothing was done)
   */
  public T submit(R request) throws InterruptedException {
    Pending<R, T> self = new Pending<>(request, Thread.currentThread());
    List<Pending<R, T>> taken = new ArrayList<>();
    boolean interrupted = false;
    lock.lock();
    try {
      queue.addLast(self);
      load += (callsInFlight + queue.size() - load) * LOAD_WEIGHT;
      tryLead(self, taken);
    } finally {
      lock.unlock();
    }
    // Waits without the lock: a leader hands each follower its outcome and unparks it directly, so
    // the followers of a batch wake side by side instead of taking the lock one after the other.
    while (taken.isEmpty() && !self.done) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        lock.lock();
        try {
          if (!self.taken) {
            queue.remove(self);
            wakeHead();
            throw new InterruptedException("interrupted before a batch took the call");
          }
        } finally {
          lock.unlock();
        }
        // A leader runs this call already: its result must reach this caller.
        interrupted = true;
      }
      if (!self.done && !self.taken && self.nudged) {
        lock.lock();
        try {
          self.nudged = false;
          tryLead(self, taken);
        } finally {
          lock.unlock();
        }
      }
    }
    if (!taken.isEmpty()) {
      lead(taken);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return self.result();
  }

  /**
   * Takes the queued calls into a batch that {@code self} leads, when it is the oldest queued call
   * and may lead now; call with the lock held.
   */
  private void tryLead(Pending<R, T> self, List<Pending<R, T>> taken) {
    if (queue.peekFirst() != self || !mayLead()) {
      return;
    }
    running++;
    while (!queue.isEmpty() && taken.size() < maxBatch) {
      Pending<R, T> p = queue.pollFirst();
      p.taken = true;
      taken.add(p);
    }
    callsInFlight += taken.size();
    // A full batch may leave calls behind that may lead one beside it.
    wakeHead();
  }

  private void lead(List<Pending<R, T>> taken) {
    List<R> requests = new ArrayList<>(taken.size());
    taken.forEach(p -> requests.add(p.request));
    List<Outcome<T>> outcomes = null;
    Throwable failure = null;
    try {
      outcomes = batch.run(requests);
      if (outcomes.size() != taken.size()) {
        throw new IllegalStateException(
            "a batch of " + taken.size() + " calls returned " + outcomes.size() + " outcomes");
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    // The batch is counted and the next one may start before the outcomes go out, so that a caller
    // that returns finds its batch in the statistics.
    lock.lock();
    try {
      transactions++;
      calls += taken.size();
      if (taken.size() > 1) {
        shared++;
      }
      largest = Math.max(largest, taken.size());
      running--;
      callsInFlight -= taken.size();
      wakeHead();
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < taken.size(); i++) {
      Pending<R, T> p = taken.get(i);
      p.failure = failure;
      p.outcome = failure == null ? outcomes.get(i) : null;
      // The write of done publishes the outcome and the failure to the follower.
      p.done = true;
      if (p.waiter != Thread.currentThread()) {
        LockSupport.unpark(p.waiter);
      }
    }
  }

  /**
   * Whether the oldest queued call may lead a batch now: when none is in flight, or, while this
   * kind is lightly used (on average no more calls in flight and queued than {@code maxInFlight} as
   * calls arrive), when fewer than {@code maxInFlight} batches are. Call with the lock held.
   */
  private boolean mayLead() {
    return running == 0 || (running < maxInFlight && load <= maxInFlight);
  }

  /** Lets the oldest queued call lead the next batch when it may; call with the lock held. */
  private void wakeHead() {
    Pending<R, T> head = queue.peekFirst();
    if (head != null && mayLead()) {
      head.nudged = true;
      LockSupport.unpark(head.waiter);
    }
  }

  /** A snapshot of what this group commit did so far. */
  public CoalescingStats.Group stats() {
    lock.lock();
    try {
      return new CoalescingStats.Group(transactions, calls, shared, largest, queue.size());
    } finally {
      lock.unlock();
    }
  }

  private static final class Pending<R, T> {
    final R request;
    final Thread waiter;

    /** Set under the lock when a leader takes the call; read by its own thread, also unlocked. */
    volatile boolean taken;

    /** Set under the lock when the call may try to lead; cleared under the lock when it tries. */
    volatile boolean nudged;

    /** Set, after the outcome or the failure, when the call's batch ended. */
    volatile boolean done;

    Outcome<T> outcome;
    Throwable failure;

    Pending(R request, Thread waiter) {
      this.request = request;
      this.waiter = waiter;
    }

    T result() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return outcome.get();
    }
  }
}
