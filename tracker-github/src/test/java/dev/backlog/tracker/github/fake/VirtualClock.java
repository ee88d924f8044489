package dev.backlog.tracker.github.fake;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to, so that rate-limit waits cost no real time: hand it to the
 * fake, to the tracker context, and advance it from the provider's sleeper. Thread-safe.
 */
public final class VirtualClock implements InstantSource {
  private final AtomicReference<Instant> now;

  /** A clock standing at {@code start}. */
  public VirtualClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock forward by {@code duration} (which must not be negative). */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "a clock only moves forward, was asked to move " + duration);
    }
    now.updateAndGet(t -> t.plus(duration));
  }

  @Override
  public String toString() {
    return "VirtualClock[" + now.get() + "]";
  }
}
