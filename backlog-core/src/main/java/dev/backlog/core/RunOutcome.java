package dev.backlog.core;

import java.util.Locale;

/** How a {@link Run} (one claim of a card) ended. */
public enum RunOutcome {
  /** The holder completed the card with its token. */
  COMPLETED,
  /** The holder gave the card back. */
  RELEASED,
  /** The holder reported failure. */
  FAILED,
  /** The lease lapsed and was taken back. */
  LAPSED,
  /** The lease was taken back while valid: a forced reclaim, or a block. */
  REVOKED,
  /** The card was completed without a token while the lease was held. */
  FORCE_COMPLETED;

  /** The name on the wire: lower case with dashes ({@code force-completed}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The outcome of a wire name. */
  public static RunOutcome fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
