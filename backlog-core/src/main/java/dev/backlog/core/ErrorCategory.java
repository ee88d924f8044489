package dev.backlog.core;

/**
 * The broad kind of a failure, which decides how a host reacts: a command-line host maps it to an
 * exit code, an HTTP host to a status.
 */
public enum ErrorCategory {
  /** The caller sent something malformed; fix the input. */
  INVALID_INPUT,
  /** A named card (or other named thing) does not exist. */
  NOT_FOUND,
  /** The request is well formed but conflicts with the backlog's current state. */
  CONFLICT,
  /** The store (or a remote) cannot be reached or used right now; retrying later may help. */
  UNAVAILABLE,
  /** A defect or an unclassified failure. */
  UNEXPECTED,
  /**
   * The caller is not allowed to do this: missing or wrong credentials, a foreign origin, a
   * read-only host. Retrying the same request does not help; other credentials or another host may.
   */
  REFUSED
}
