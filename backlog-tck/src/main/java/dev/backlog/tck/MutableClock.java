package dev.backlog.tck;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so lease expiry can be tested without sleeping.
 * Hand it to the store under test and to {@link dev.backlog.core.Backlog.Builder#clock}.
 *
 * <p>Thread-safe: any thread may read or advance it.
 */
public final class MutableClock implements InstantSource {

  /**
   * Where a clock made with {@link #MutableClock()} starts: a whole second, so every store can
   * store it exactly.
   */
  public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  /** A clock starting at {@link #DEFAULT_START}. */
  public MutableClock() {
    this(DEFAULT_START);
  }

  /** A clock starting at the given instant. */
  public MutableClock(Instant start) {
    now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far; must not be negative (time never runs backwards for a store)
   * @return the new instant
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "cannot move the clock back by "
              + amount
              + "; stores assume time only"
              + " moves forward");
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + "]";
  }
}
