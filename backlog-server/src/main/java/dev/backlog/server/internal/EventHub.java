package dev.backlog.server.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the backlog's event log for every stream at once, into a ring of recent events that the
 * streams read.
 *
 * <p>Events committed through the served {@link Backlog} arrive <b>pushed</b>, from the backlog's
 * listener on the committing thread ({@link #onEvents}): an event whose seq is the one right after
 * the ring's head is appended at once (nothing can come between them), later ones wait in a pending
 * set until the gap before them closes. A gap that stays open longer than the gap wait is closed by
 * a <b>read</b> of the store after the head (the store guarantees that a reader paging by seq
 * misses nothing, even when transactions commit out of seq order): it brings events written by
 * other processes, and skips the numbers of rolled-back transactions on a store whose seqs have
 * gaps. The same reader also looks at the store every poll interval, as a backstop for writes from
 * other processes that no event of this process follows. So the ring always holds, from its floor
 * to its head, every committed event in seq order exactly once.
 *
 * <p>A stream whose cursor is older than the ring reads the store directly. Thread-safe.
 */
public final class EventHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final int PAGE = 1000;

  private final Backlog backlog;
  private final long activePollNanos;
  private final long idlePollNanos;
  private final long gapWaitNanos;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when the ring grew or a read finished: streams and {@link #head} wait on it. */
  private final Condition changed = lock.newCondition();

  /** Signalled when the reader has work: a nudge, a gap opened, a stream opened, close. */
  private final Condition readerWake = lock.newCondition();

  /**
   * Commits waiting to be merged: a committing thread that finds the lock taken leaves its events
   * here for the holder (or the next one) to merge, so a commit never waits for the hub.
   */
  private final ConcurrentLinkedQueue<List<Event>> inbox = new ConcurrentLinkedQueue<>();

  private final ArrayDeque<Event> ring = new ArrayDeque<>();
  private final TreeMap<Long, Event> pending = new TreeMap<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final Thread thread;
  private AutoCloseable subscription;

  /** Every event with seq > floor and <= head is in the ring. Guarded by lock. */
  private long floor;

  private long head;

  /** Whether a read of the store set the head, so that pushed events may extend it. */
  private boolean synced;

  private boolean caughtUp;
  private boolean nudged;
  private long gapSince;
  private long readsStarted;
  private long reads;
  private long pushed;
  private long storeReads;
  private volatile boolean closed;

  /**
   * @param backlog the backlog to follow
   * @param poll how often to look at the store for other processes' events while a stream is open
   * @param gapWait how long a gap before a pushed event may stay open before the store is read
   * @param capacity how many recent events the ring keeps
   */
  public EventHub(Backlog backlog, Duration poll, Duration gapWait, int capacity) {
    this.backlog = backlog;
    this.activePollNanos = poll.toNanos();
    this.idlePollNanos = Math.max(poll.toNanos(), Duration.ofSeconds(1).toNanos());
    this.gapWaitNanos = gapWait.toNanos();
    this.capacity = capacity;
    this.thread = new Thread(this::run, "backlog-event-hub");
    thread.setDaemon(true);
  }

  /** Subscribes to the backlog's commits and starts the reader. */
  public void start() {
    subscription = backlog.subscribe(this::onEvents);
    thread.start();
  }

  /**
   * The events of one transaction this process committed, in seq order, on the committing thread.
   */
  void onEvents(List<Event> events) {
    if (closed) {
      return;
    }
    inbox.add(events);
    // Whoever holds the lock merges the inbox before and after releasing it; if the lock is taken,
    // its holder will find these events.
    while (!inbox.isEmpty() && lock.tryLock()) {
      try {
        mergeInbox();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Merges the commits left in the inbox and wakes the streams when the ring grew. Holds lock. */
  private void mergeInbox() {
    boolean any = false;
    for (List<Event> events = inbox.poll(); events != null; events = inbox.poll()) {
      any = true;
      for (Event e : events) {
        if (e.seq() > head) {
          pending.put(e.seq(), e);
        }
      }
    }
    if (!any) {
      return;
    }
    boolean grew = synced && drain();
    if (!pending.isEmpty()) {
      if (gapSince == 0) {
        gapSince = System.nanoTime();
        readerWake.signal();
      }
      if (pending.size() > capacity) {
        // Far behind: let the reader catch up from the store in pages.
        pending.clear();
        gapSince = 0;
        nudged = true;
        readerWake.signal();
      }
    }
    if (grew) {
      changed.signalAll();
    }
  }

  /** Takes the lock, merging whatever commits wait in the inbox. */
  private void enter() {
    lock.lock();
    mergeInbox();
  }

  /** Merges the inbox once more and releases the lock; merges what arrived meanwhile. */
  private void exit() {
    mergeInbox();
    lock.unlock();
    while (!inbox.isEmpty() && lock.tryLock()) {
      try {
        mergeInbox();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Moves pending events that follow the head without a gap into the ring. Holds lock. */
  private boolean drain() {
    boolean grew = false;
    while (!pending.isEmpty()) {
      var first = pending.firstEntry();
      if (first.getKey() <= head) {
        pending.pollFirstEntry();
      } else if (first.getKey() == head + 1) {
        pending.pollFirstEntry();
        append(first.getValue());
        pushed++;
        grew = true;
      } else {
        break;
      }
    }
    if (pending.isEmpty()) {
      gapSince = 0;
    }
    return grew;
  }

  /** Appends one event after the head, dropping the oldest beyond capacity. Holds lock. */
  private void append(Event e) {
    ring.addLast(e);
    head = e.seq();
    while (ring.size() > capacity) {
      floor = ring.removeFirst().seq();
    }
  }

  private void run() {
    while (!closed) {
      int got;
      try {
        long after;
        enter();
        try {
          after = head;
          readsStarted++;
        } finally {
          exit();
        }
        List<Event> page = backlog.events(EventQuery.after(after, PAGE));
        got = page.size();
        enter();
        try {
          // The page holds every committed event after 'after'; pushed events may have moved the
          // head meanwhile, and those before it are in the ring already.
          for (Event e : page) {
            if (e.seq() > head) {
              append(e);
            }
          }
          synced = true;
          drain();
          if (!pending.isEmpty()) {
            // The gap is still open: it is younger than the read, or a number nobody will use.
            gapSince = System.nanoTime();
          }
          caughtUp = got < PAGE;
          reads++;
          storeReads++;
          changed.signalAll();
        } finally {
          exit();
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("reading the event log failed; retrying in a second: {}", e.getMessage());
        got = 0;
        pause(Duration.ofSeconds(1).toNanos(), false);
      }
      if (got < PAGE) {
        pause(streams.get() > 0 ? activePollNanos : idlePollNanos, true);
      }
    }
  }

  /**
   * Waits until the next read is due: a nudge, a gap older than the gap wait, or the poll interval.
   */
  private void pause(long pollNanos, boolean watchGaps) {
    long deadline = System.nanoTime() + pollNanos;
    enter();
    try {
      while (!closed && !nudged) {
        long now = System.nanoTime();
        long until = deadline;
        if (watchGaps && gapSince != 0) {
          until = Math.min(until, gapSince + gapWaitNanos);
        }
        long left = until - now;
        if (left <= 0) {
          break;
        }
        try {
          readerWake.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
      nudged = false;
    } finally {
      exit();
    }
  }

  /** Asks for a read of the store now instead of at the next poll. */
  public void nudge() {
    enter();
    try {
      nudged = true;
      readerWake.signal();
    } finally {
      exit();
    }
  }

  /** Counts an open stream: the reader polls more often while any is open. */
  public void subscribe() {
    streams.incrementAndGet();
    enter();
    try {
      readerWake.signal();
    } finally {
      exit();
    }
  }

  /**
   * Counts an open stream unless {@code max} are open already.
   *
   * @return whether the stream was counted
   */
  public boolean trySubscribe(int max) {
    while (true) {
      int open = streams.get();
      if (open >= max) {
        return false;
      }
      if (streams.compareAndSet(open, open + 1)) {
        enter();
        try {
          readerWake.signal();
        } finally {
          exit();
        }
        return true;
      }
    }
  }

  /** Uncounts a stream counted by {@link #subscribe}. */
  public void unsubscribe() {
    streams.decrementAndGet();
  }

  /** How many streams are open. */
  public int streams() {
    return streams.get();
  }

  /**
   * The seq of the newest event committed before this call, once the hub has read up to it: waits
   * for a read of the log that started after the call and reached its end.
   */
  public long head(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    enter();
    try {
      long wanted = readsStarted + 1; // the read under way may have started before this call
      nudged = true;
      readerWake.signal();
      while ((reads < wanted || !caughtUp) && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      return head;
    } finally {
      exit();
    }
  }

  /**
   * The events after {@code after}, in seq order, waiting up to {@code maxWait} when there are none
   * yet. Empty when none came or the hub closed.
   */
  public List<Event> next(long after, int max, Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    enter();
    try {
      while (!closed) {
        if (after < floor || !synced) {
          break;
        }
        if (head > after) {
          List<Event> out = new ArrayList<>();
          var it = ring.descendingIterator();
          // Walk back from the head to the cursor: a following stream is near the head.
          ArrayDeque<Event> newest = new ArrayDeque<>();
          while (it.hasNext()) {
            Event e = it.next();
            if (e.seq() <= after) {
              break;
            }
            newest.addFirst(e);
          }
          for (Event e : newest) {
            out.add(e);
            if (out.size() == max) {
              break;
            }
          }
          return out;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        changed.awaitNanos(left);
      }
      if (closed) {
        return List.of();
      }
    } finally {
      exit();
    }
    // Older than the ring (or not read yet): the store pages by seq without gaps.
    return backlog.events(EventQuery.after(after, max));
  }

  /** How many events reached the ring from the listener, and how many reads of the store ran. */
  public String counts() {
    enter();
    try {
      return "pushed=" + pushed + ", storeReads=" + storeReads + ", head=" + head;
    } finally {
      exit();
    }
  }

  /** Whether the hub has stopped. */
  public boolean closed() {
    return closed;
  }

  /** Stops following and wakes every stream, which then ends. */
  @Override
  public void close() {
    closed = true;
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.debug("removing the event subscription failed: {}", e.getMessage());
      }
    }
    enter();
    try {
      changed.signalAll();
      readerWake.signalAll();
    } finally {
      exit();
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
