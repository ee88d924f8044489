package dev.backlog.core.spi;

import dev.backlog.core.BacklogException;
import java.util.Objects;

/**
 * The result of one call in a coalesced batch: a value, or the refusal that belongs to that call
 * alone (the others in the batch commit). Refusals are the exceptions a store raises before it
 * writes anything: {@link dev.backlog.core.LeaseLostException}, {@link
 * dev.backlog.core.InvalidTransitionException}, {@link dev.backlog.core.CardNotFoundException}.
 *
 * @param <T> the value's type
 * @param value the value, or null when refused
 * @param refusal the refusal, or null when the call succeeded
 */
public record Outcome<T>(T value, BacklogException refusal) {

  /** Checks exactly one of value and refusal is present. */
  public Outcome {
    if ((value == null) == (refusal == null)) {
      throw new IllegalArgumentException("an outcome holds either a value or a refusal, not both");
    }
  }

  /** A successful call. */
  public static <T> Outcome<T> of(T value) {
    return new Outcome<>(Objects.requireNonNull(value, "value"), null);
  }

  /** A call refused on its own. */
  public static <T> Outcome<T> refused(BacklogException refusal) {
    return new Outcome<>(null, Objects.requireNonNull(refusal, "refusal"));
  }

  /** The value, or the refusal thrown. */
  public T get() {
    if (refusal != null) {
      throw refusal;
    }
    return value;
  }

  /**
   * Whether a store exception refuses one call only: a refusal decided before anything was written
   * (lease lost, invalid transition, card not found). Anything else fails the whole batch.
   */
  public static boolean isRefusal(RuntimeException e) {
    return e instanceof dev.backlog.core.LeaseLostException
        || e instanceof dev.backlog.core.InvalidTransitionException
        || e instanceof dev.backlog.core.CardNotFoundException;
  }
}
