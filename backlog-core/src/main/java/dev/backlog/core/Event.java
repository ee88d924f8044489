package dev.backlog.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the backlog's event stream, written in the same transaction as the change.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq position in the stream: strictly increasing in commit order; consecutive from 1 on
 *     stores that promise no gaps (H2), with gaps where a rolled-back transaction drew numbers
 *     (PostgreSQL, see docs/storage.md)
 * @param cardId the card the event is about
 * @param type what happened
 * @param actor who did it (the claiming owner for claims)
 * @param at when it happened (store clock)
 * @param leaseToken the lease token presented or issued, or null
 * @param data details as compact JSON object text
 */
public record Event(
    long seq,
    CardId cardId,
    EventType type,
    String actor,
    Instant at,
    LeaseToken leaseToken,
    String data) {

  /** Checks the required parts. */
  public Event {
    if (seq < 1) {
      throw new IllegalArgumentException("event seq must be positive, was " + seq);
    }
    Objects.requireNonNull(cardId, "cardId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(data, "data");
  }

  /** The lease token, when the event involved one. */
  public Optional<LeaseToken> token() {
    return Optional.ofNullable(leaseToken);
  }
}
