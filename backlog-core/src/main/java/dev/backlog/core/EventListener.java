package dev.backlog.core;

import java.util.List;

/**
 * Receives the events of every transaction this {@link Backlog} committed, after the commit, on the
 * committing thread. Events written by other processes sharing the store are not delivered here;
 * read them with {@link Backlog#events(EventQuery)}.
 */
@FunctionalInterface
public interface EventListener {

  /** Called once per committed transaction that wrote events, in seq order. */
  void onEvents(List<Event> events);
}
