package dev.backlog.tracker.spi;

import dev.backlog.core.CardId;
import java.time.Instant;
import java.util.Objects;

/**
 * A field both the local side and the remote changed since the last sync, differently. Values are
 * as the provider stores them (text); null means the field is absent on that side.
 *
 * <p>Immutable and thread-safe.
 *
 * @param feature the feature
 * @param field the managed field
 * @param base the value at the last sync, or null
 * @param local the local value, or null
 * @param remote the remote value, or null
 * @param at when the conflict was found
 */
public record FieldConflict(
    CardId feature, String field, String base, String local, String remote, Instant at) {

  /** Checks the parts. */
  public FieldConflict {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(at, "at");
  }
}
