package dev.backlog.mcp.internal;

/**
 * A tool call refused before it reached the backlog (a bad argument): reported to the agent as an
 * {@code isError} result with the code and the message, never as a protocol error.
 */
final class Refusal extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The error code of the JSON contract, such as {@code INVALID_INPUT}. */
  final String code;

  Refusal(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** A bad argument. */
  static Refusal invalid(String message) {
    return new Refusal("INVALID_INPUT", message);
  }
}
