package dev.backlog.core;

/**
 * The broad kind of a failure, which decides how a host reacts (and the CLI's exit code).
 */
public enum ErrorCategory {
  /** The caller sent something malformed; fix the input (CLI exit 2). */
  INVALID_INPUT(2),
  /** A named card does not exist (CLI exit 3). */
  NOT_FOUND(3),
  /** The request is well formed but conflicts with the backlog's current state (CLI exit 4). */
  CONFLICT(4),
  /** The store cannot be reached or used right now; retrying later may help (CLI exit 5). */
  UNAVAILABLE(5),
  /** A defect or an unclassified failure (CLI exit 1). */
  UNEXPECTED(1);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code a command-line host uses for this category. */
  public int exitCode() {
    return exitCode;
  }
}
