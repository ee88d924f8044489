package dev.backlog.tracker.spi;

import java.util.Locale;

/**
 * Where an {@link Op} is: {@code pending → inflight → done | uncertain | conflict | quarantined}.
 * An uncertain op is resolved by looking the remote up before any retry.
 */
public enum OpState {
  /** Waiting to be sent. */
  PENDING,
  /**
   * Being sent; an op found inflight when the log is opened was interrupted and becomes uncertain.
   */
  INFLIGHT,
  /** Applied remotely. */
  DONE,
  /** Sent, but whether the remote applied it is unknown (the response was lost). */
  UNCERTAIN,
  /** The remote refused it because it changed meanwhile; needs a person or a merge. */
  CONFLICT,
  /** Set aside after too many failed attempts; needs a person. */
  QUARANTINED;

  /** The lower-case name used in the journal. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the op still waits to be sent or resolved (pending, inflight or uncertain). */
  public boolean isPending() {
    return this == PENDING || this == INFLIGHT || this == UNCERTAIN;
  }
}
