package dev.backlog.mcp.internal;

import dev.backlog.core.CoreErrorCode;
import dev.backlog.core.ErrorCode;

/**
 * A tool call refused before it reached the backlog (a bad argument): reported to the agent as an
 * {@code isError} result with the code and the message, never as a protocol error.
 */
final class Refusal extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The error code of the JSON contract, such as {@code INVALID_INPUT}. */
  final ErrorCode code;

  Refusal(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** A bad argument. */
  static Refusal invalid(String message) {
    return new Refusal(CoreErrorCode.INVALID_INPUT, message);
  }
}
