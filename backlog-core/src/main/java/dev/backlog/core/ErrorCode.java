package dev.backlog.core;

/**
 * Identifies a kind of failure. Open for extension: modules define their own enums implementing it,
 * as {@link CoreErrorCode} does for the core.
 */
public interface ErrorCode {

  /** A stable, upper-case name such as {@code LEASE_LOST}; part of the JSON error contract. */
  String name();

  /** The broad kind of failure. */
  ErrorCategory category();
}
