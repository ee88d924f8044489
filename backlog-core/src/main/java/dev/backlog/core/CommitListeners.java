package dev.backlog.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs after a {@link Backlog} transaction commits: its deferred actions, then every event
 * listener (the builder's and those added by {@link Backlog#subscribe}), on the committing thread.
 * A failure of one is logged and does not undo the commit or stop the others. Thread-safe.
 */
final class CommitListeners {

  private static final Logger LOG = LoggerFactory.getLogger(Backlog.class);

  private final List<EventListener> listeners = new CopyOnWriteArrayList<>();

  /** Listeners starting with {@code configured}, when there is one. */
  CommitListeners(EventListener configured) {
    if (configured != null) {
      listeners.add(configured);
    }
  }

  /** Adds a listener; closing the handle removes it. */
  AutoCloseable add(EventListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Runs the committed transaction's deferred actions, then tells every listener its events. */
  void committed(List<Runnable> deferred, List<Event> written) {
    for (Runnable action : deferred) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn(
            "an action deferred until after commit failed; the transaction stays committed", e);
      }
    }
    if (written.isEmpty() || listeners.isEmpty()) {
      return;
    }
    List<Event> events = List.copyOf(written);
    for (EventListener listener : listeners) {
      try {
        listener.onEvents(events);
      } catch (RuntimeException e) {
        LOG.warn(
            "an event listener failed on {} events; the transaction stays committed",
            events.size(),
            e);
      }
    }
  }
}
