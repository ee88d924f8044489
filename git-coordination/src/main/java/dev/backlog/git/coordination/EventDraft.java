package dev.backlog.git.coordination;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a caller wants recorded; the transaction adds the event id, the clock, the time and its own
 * id. A lease token, when given, is checked against the card's current one in the log and written
 * as a commit trailer.
 *
 * <p>Immutable and thread-safe.
 *
 * @param card the card
 * @param type the event type, e.g. {@code claimed}
 * @param actor who records it
 * @param lease the lease token held for the card, if any
 * @param data extra string fields
 */
public record EventDraft(
    CardId card, String type, String actor, Optional<LeaseToken> lease, Map<String, String> data) {

  /** Validates the parts (the full validation happens when the event is built). */
  public EventDraft {
    Objects.requireNonNull(card, "card");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(actor, "actor");
    lease = Objects.requireNonNullElse(lease, Optional.empty());
    data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(data));
  }

  /** A draft without lease or data. */
  public static EventDraft of(CardId card, String type, String actor) {
    return new EventDraft(card, type, actor, Optional.empty(), Map.of());
  }

  /** The same draft carrying a lease token. */
  public EventDraft withLease(LeaseToken token) {
    return new EventDraft(card, type, actor, Optional.of(token), data);
  }

  /** The same draft with the given data. */
  public EventDraft withData(Map<String, String> newData) {
    return new EventDraft(card, type, actor, lease, newData);
  }
}
