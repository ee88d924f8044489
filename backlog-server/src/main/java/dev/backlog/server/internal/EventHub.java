package dev.backlog.server.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the backlog's event log for every stream at once: one thread pages events by seq (the
 * store guarantees a reader that pages by seq misses nothing) into a ring of recent events, and
 * wakes the streams. A stream whose cursor is older than the ring reads the store directly, so a
 * client resuming from any seq gets every later event exactly once. Thread-safe.
 */
public final class EventHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final int PAGE = 1000;

  private final Backlog backlog;
  private final long activePollNanos;
  private final long idlePollNanos;
  private final int capacity;
  private final Object lock = new Object();
  private final ArrayDeque<Event> ring = new ArrayDeque<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final Thread thread;

  /** Every event with seq > floor and <= head is in the ring. Guarded by lock. */
  private long floor;

  private long head;
  private boolean caughtUp;
  private boolean nudged;
  private long reads;
  private volatile boolean closed;

  /**
   * @param backlog the backlog to follow
   * @param poll how often to look for new events while a stream is open
   * @param capacity how many recent events the ring keeps
   */
  public EventHub(Backlog backlog, Duration poll, int capacity) {
    this.backlog = backlog;
    this.activePollNanos = poll.toNanos();
    this.idlePollNanos = Math.max(poll.toNanos(), Duration.ofSeconds(1).toNanos());
    this.capacity = capacity;
    this.thread = new Thread(this::run, "backlog-event-hub");
    thread.setDaemon(true);
  }

  /** Starts following. */
  public void start() {
    thread.start();
  }

  private void run() {
    while (!closed) {
      int got;
      try {
        List<Event> page = backlog.events(EventQuery.after(headSeq(), PAGE));
        got = page.size();
        synchronized (lock) {
          for (Event e : page) {
            ring.addLast(e);
            head = e.seq();
          }
          while (ring.size() > capacity) {
            floor = ring.removeFirst().seq();
          }
          caughtUp = got < PAGE;
          reads++;
          lock.notifyAll();
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("reading the event log failed; retrying in a second: {}", e.getMessage());
        got = 0;
        pause(Duration.ofSeconds(1).toNanos());
      }
      if (got < PAGE) {
        pause(streams.get() > 0 ? activePollNanos : idlePollNanos);
      }
    }
  }

  private void pause(long nanos) {
    synchronized (lock) {
      if (closed || nudged) {
        nudged = false;
        return;
      }
      try {
        lock.wait(Math.max(1, nanos / 1_000_000L), (int) (nanos % 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
      nudged = false;
    }
  }

  /**
   * Tells the hub that this process just committed something (an API write), so that it reads the
   * log now instead of at its next poll.
   */
  public void nudge() {
    synchronized (lock) {
      nudged = true;
      lock.notifyAll();
    }
  }

  private long headSeq() {
    synchronized (lock) {
      return head;
    }
  }

  /** Counts an open stream: the hub polls faster while any is open. */
  public void subscribe() {
    streams.incrementAndGet();
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Uncounts a stream counted by {@link #subscribe}. */
  public void unsubscribe() {
    streams.decrementAndGet();
  }

  /**
   * The seq of the newest event committed before this call, once the hub has read up to it: waits
   * for a read of the log that started after the call and reached its end.
   */
  public long head(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    synchronized (lock) {
      long after = reads + 1; // the read under way may have started before this call
      nudged = true;
      lock.notifyAll();
      while ((reads <= after || !caughtUp) && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        lock.wait(Math.max(1, left / 1_000_000L));
      }
      return head;
    }
  }

  /**
   * The events after {@code after}, in seq order, waiting up to {@code maxWait} when there are none
   * yet. Empty when none came or the hub closed.
   */
  public List<Event> next(long after, int max, Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    synchronized (lock) {
      while (!closed) {
        if (after < floor) {
          break;
        }
        if (head > after) {
          List<Event> out = new ArrayList<>();
          for (Event e : ring) {
            if (e.seq() > after) {
              out.add(e);
              if (out.size() == max) {
                break;
              }
            }
          }
          return out;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        lock.wait(Math.max(1, left / 1_000_000L));
      }
      if (closed) {
        return List.of();
      }
    }
    // Older than the ring: read the store itself, which pages by seq without gaps.
    return backlog.events(EventQuery.after(after, max));
  }

  /** Whether the hub has stopped. */
  public boolean closed() {
    return closed;
  }

  /** Stops following and wakes every stream, which then ends. */
  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
