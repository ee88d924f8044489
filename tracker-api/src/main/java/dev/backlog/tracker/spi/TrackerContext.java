package dev.backlog.tracker.spi;

import dev.backlog.tracker.TrackerConfig;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What a host hands a provider factory: the configuration and the clock to stamp events with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param config the tracker configuration that selected the provider
 * @param clock the host's clock
 */
public record TrackerContext(TrackerConfig config, InstantSource clock) {

  /** Checks the parts. */
  public TrackerContext {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
  }
}
