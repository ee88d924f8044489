package dev.backlog.git.coordination;

import dev.backlog.git.coordination.internal.EventLogCodec;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The materialized view of a mission's event log, written as {@code status.json}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mission the mission handle
 * @param clock the highest clock in the log (0 when empty)
 * @param events the number of distinct events
 * @param cards each card's state, sorted by card id
 */
public record MissionStatus(String mission, long clock, int events, Map<String, CardState> cards) {

  /** Validates the parts and sorts the cards. */
  public MissionStatus {
    Objects.requireNonNull(mission, "mission");
    cards = Collections.unmodifiableMap(new TreeMap<>(cards));
  }

  /** The canonical JSON form, byte for byte what {@code status.json} holds (UTF-8). */
  public byte[] toJson() {
    return EventLogCodec.render(this);
  }
}
