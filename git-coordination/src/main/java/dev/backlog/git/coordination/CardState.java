package dev.backlog.git.coordination;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A card as the mission's event log sees it: the latest event (by clock, then id) and the highest
 * lease token recorded for it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the type of the latest event
 * @param clock the clock of the latest event
 * @param lastEvent the id of the latest event
 * @param actor who recorded the latest event
 * @param at when the latest event was recorded
 * @param lease the highest lease token recorded for the card, if any
 * @param events how many events the card has
 */
public record CardState(
    String state,
    long clock,
    String lastEvent,
    String actor,
    Instant at,
    Optional<Long> lease,
    int events) {

  /** Validates the parts. */
  public CardState {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastEvent, "lastEvent");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
    lease = Objects.requireNonNullElse(lease, Optional.empty());
  }
}
