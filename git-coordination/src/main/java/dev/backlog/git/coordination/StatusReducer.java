package dev.backlog.git.coordination;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deterministic reducer from an event log to a {@link MissionStatus}: duplicates (same event
 * id) count once, events apply in {@link CoordinationEvent#ORDER}, so the result does not depend on
 * line order. Stateless and thread-safe.
 */
public final class StatusReducer {

  private StatusReducer() {}

  /** Reduces the events of one mission. */
  public static MissionStatus reduce(Mission mission, List<CoordinationEvent> events) {
    List<CoordinationEvent> sorted = new ArrayList<>(events);
    sorted.sort(CoordinationEvent.ORDER);
    Set<String> seen = new HashSet<>();
    Map<String, CardState> cards = new TreeMap<>();
    long clock = 0;
    int count = 0;
    for (CoordinationEvent e : sorted) {
      if (!seen.add(e.id())) {
        continue;
      }
      count++;
      clock = Math.max(clock, e.clock());
      CardState before = cards.get(e.card().value());
      Optional<Long> lease = e.lease().map(t -> t.value());
      if (before != null && before.lease().isPresent()) {
        lease = Optional.of(Math.max(before.lease().get(), lease.orElse(0L)));
      }
      cards.put(
          e.card().value(),
          new CardState(
              e.type(),
              e.clock(),
              e.id(),
              e.actor(),
              e.at(),
              lease,
              before == null ? 1 : before.events() + 1));
    }
    return new MissionStatus(mission.handle(), clock, count, cards);
  }
}
