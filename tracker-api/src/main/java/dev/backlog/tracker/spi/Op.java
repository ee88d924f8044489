package dev.backlog.tracker.spi;

import dev.backlog.core.CardId;
import java.time.Instant;
import java.util.Objects;

/**
 * One intended remote write in an {@link OpLog}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique id; remote providers put it in a marker so an uncertain op can be looked up
 * @param seq the order in which ops were enqueued (ops of one feature run in this order)
 * @param feature the feature the op writes
 * @param kind what the op does, provider-defined (such as {@code create-issue})
 * @param payload provider-defined content, usually JSON text
 * @param state where the op is
 * @param attempts failed attempts so far
 * @param lastError the last failure, or null
 * @param updatedAt when the op last changed state
 */
public record Op(
    String id,
    long seq,
    CardId feature,
    String kind,
    String payload,
    OpState state,
    int attempts,
    String lastError,
    Instant updatedAt) {

  /** Checks the parts. */
  public Op {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (seq < 1 || attempts < 0) {
      throw new IllegalArgumentException(
          "op "
              + id
              + " has seq "
              + seq
              + " and attempts "
              + attempts
              + "; both must be positive (attempts may be 0)");
    }
  }

  /** This op in another state. */
  public Op with(OpState next, int nextAttempts, String error, Instant at) {
    return new Op(id, seq, feature, kind, payload, next, nextAttempts, error, at);
  }
}
