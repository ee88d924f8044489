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
 * set until the gap before them closes. A committing thread never waits for the hub: when the
 * ring's lock is taken it leaves its events in an inbox, which every holder of the lock merges
 * before it lets go (and again after, for what arrived meanwhile). Nobody waits while holding that
 * lock; waiting happens on separate monitors.
 *
 * <p>A gap that stays open longer than the gap wait is closed by a <b>read</b> of the store after
 * the head (the store guarantees that a reader paging by seq misses nothing, even when transactions
 * commit out of seq order): it brings events written by other processes, and skips the numbers of
 * rolled-back transactions on a store whose seqs have gaps. The same reader also looks at the store
 * every poll interval, as a backstop for writes from other processes that no event of this process
 * follows. So the ring always holds, from its floor to its head, every committed event in seq order
 * exactly once.
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

  /** Guards the ring and its bookkeeping; held only briefly, never while waiting. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Commits waiting to be merged into the ring by whoever holds the lock next. */
  private final ConcurrentLinkedQueue<List<Event>> inbox = new ConcurrentLinkedQueue<>();

  /** Streams and {@link #head} wait here for the ring to grow or a read to finish. */
  private final Object changed = new Object();

  /** The reader waits here for its next read. */
  private final Object readerWake = new Object();

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

  /** Counts changes of the ring and finished reads. Guarded by {@link #changed}. */
  private long changes;

  /** Whether the reader was asked to look again. Guarded by {@link #readerWake}. */
  private boolean readerPoked;

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
    // If the lock is taken, its holder merges these events before or right after it lets go.
    mergeWhileFree();
  }

  /** Merges the inbox as long as there is something to merge and the lock is free. */
  private void mergeWhileFree() {
    while (!inbox.isEmpty() && lock.tryLock()) {
      try {
        mergeInbox();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Takes the lock and merges whatever commits wait in the inbox. */
  private void enter() {
    lock.lock();
    mergeInbox();
  }

  /** Merges the inbox once more, lets go of the lock, then merges what arrived meanwhile. */
  private void exit() {
    mergeInbox();
    lock.unlock();
    mergeWhileFree();
  }

  /** Merges the commits left in the inbox; wakes the streams when the ring grew. Holds lock. */
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
        pokeReader();
      }
      if (pending.size() > capacity) {
        // Far behind: let the reader catch up from the store in pages.
        pending.clear();
        gapSince = 0;
        nudged = true;
        pokeReader();
      }
    }
    if (grew) {
      signalChanged();
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

  private void signalChanged() {
    synchronized (changed) {
      changes++;
      changed.notifyAll();
    }
  }

  private long changes() {
    synchronized (changed) {
      return changes;
    }
  }

  /** Waits until something changed after {@code seen} was read, or {@code nanos} passed. */
  private void awaitChange(long seen, long nanos) throws InterruptedException {
    synchronized (changed) {
      if (changes == seen && !closed) {
        changed.wait(Math.max(1, nanos / 1_000_000L), (int) (nanos % 1_000_000L));
      }
    }
  }

  private void pokeReader() {
    synchronized (readerWake) {
      readerPoked = true;
      readerWake.notifyAll();
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
        } finally {
          exit();
        }
        signalChanged();
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
    while (!closed) {
      long left;
      enter();
      try {
        if (nudged) {
          nudged = false;
          return;
        }
        long until = deadline;
        if (watchGaps && gapSince != 0) {
          until = Math.min(until, gapSince + gapWaitNanos);
        }
        left = until - System.nanoTime();
      } finally {
        exit();
      }
      if (left <= 0) {
        return;
      }
      synchronized (readerWake) {
        try {
          if (!readerPoked && !closed) {
            readerWake.wait(Math.max(1, left / 1_000_000L), (int) (left % 1_000_000L));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
        readerPoked = false;
      }
    }
  }

  /** Asks for a read of the store now instead of at the next poll. */
  public void nudge() {
    enter();
    try {
      nudged = true;
    } finally {
      exit();
    }
    pokeReader();
  }

  /** Counts an open stream: the reader polls more often while any is open. */
  public void subscribe() {
    streams.incrementAndGet();
    pokeReader();
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
        pokeReader();
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
    long wanted;
    enter();
    try {
      wanted = readsStarted + 1; // the read under way may have started before this call
      nudged = true;
    } finally {
      exit();
    }
    pokeReader();
    while (true) {
      long seen = changes();
      enter();
      try {
        if ((reads >= wanted && caughtUp) || closed) {
          return head;
        }
      } finally {
        exit();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        enter();
        try {
          return head;
        } finally {
          exit();
        }
      }
      awaitChange(seen, left);
    }
  }

  /**
   * The events after {@code after}, in seq order, waiting up to {@code maxWait} when there are none
   * yet. Empty when none came or the hub closed.
   */
  public List<Event> next(long after, int max, Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (!closed) {
      long seen = changes();
      enter();
      try {
        if (after < floor || !synced) {
          break;
        }
        if (head > after) {
          return newest(after, max);
        }
      } finally {
        exit();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return List.of();
      }
      awaitChange(seen, left);
    }
    if (closed) {
      return List.of();
    }
    // Older than the ring (or not read yet): the store pages by seq without gaps.
    return backlog.events(EventQuery.after(after, max));
  }

  /** Up to {@code max} ring events after {@code after}, oldest first. Holds lock. */
  private List<Event> newest(long after, int max) {
    // Walk back from the head to the cursor: a following stream is near the head.
    ArrayDeque<Event> newer = new ArrayDeque<>();
    var it = ring.descendingIterator();
    while (it.hasNext()) {
      Event e = it.next();
      if (e.seq() <= after) {
        break;
      }
      newer.addFirst(e);
    }
    List<Event> out = new ArrayList<>(Math.min(max, newer.size()));
    for (Event e : newer) {
      out.add(e);
      if (out.size() == max) {
        break;
      }
    }
    return out;
  }

  /** How many events reached the ring from the listener, how many reads of the store ran. */
  String counts() {
    enter();
    try {
      return "pushed=" + pushed + ", storeReads=" + reads + ", head=" + head;
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
    signalChanged();
    pokeReader();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.debug("event hub closed: {}", counts());
  }
}
