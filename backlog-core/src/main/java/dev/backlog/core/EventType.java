package dev.backlog.core;

import java.util.Locale;

/**
 * What an {@link Event} records. Each mutation of the backlog writes exactly one event per card it
 * changes.
 */
public enum EventType {
  /** A card was created; data holds its content. */
  CREATED,
  /** A dependency was added; data {@code {"dependsOn": id}}. */
  LINKED,
  /** A dependency was removed; data {@code {"dependsOn": id}}. */
  UNLINKED,
  /**
   * A card was claimed; the event carries the new lease token, data the owner and expiry (and the
   * lease phase and attributes when given).
   */
  CLAIMED,
  /** A lease was renewed; data the new expiry (and the lease phase and attributes when set). */
  RENEWED,
  /** A card was completed (with a token, or forced); data the evidence when given. */
  COMPLETED,
  /** A lease holder gave the card back. */
  RELEASED,
  /** A lease holder reported failure; data the reason and the resulting status. */
  FAILED,
  /** A card was blocked; data the reason. */
  BLOCKED,
  /** A blocked card was made ready again. */
  UNBLOCKED,
  /** A done card was made ready again. */
  REOPENED,
  /** A lease was taken back (expired or forced); data the resulting status. */
  RECLAIMED,
  /** A ready card was deferred; data {@code {"until": instant}}. */
  DEFERRED,
  /** A deferral ended; data {@code {"expired": true}} when its time had come, else false. */
  UNDEFERRED,
  /** Descriptive fields were edited; data the new values of the fields that changed. */
  UPDATED;

  /** The lower-case name used on the wire ({@code "claimed"}, …). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
