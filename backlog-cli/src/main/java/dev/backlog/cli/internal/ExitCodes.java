package dev.backlog.cli.internal;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/**
 * The {@code backlog} command's exit codes (docs/cli.md, "Exit codes and errors"): 0 ok, 2 invalid
 * input or usage (and refusals), 3 not found, 4 conflict, 5 unavailable, 1 unexpected. A failure's
 * code is decided by its {@link ErrorCode}'s category alone. Stateless.
 */
public final class ExitCodes {

  private ExitCodes() {}

  /** The exit code for a failure of this category. */
  public static int of(ErrorCategory category) {
    return switch (category) {
      case INVALID_INPUT -> 2;
      case NOT_FOUND -> 3;
      case CONFLICT -> 4;
      case UNAVAILABLE -> 5;
      case UNEXPECTED -> 1;
      // No command refuses a caller today; a refusal is bad input from the caller's side.
      case REFUSED -> 2;
    };
  }

  /** The exit code for a failure with this code. */
  public static int of(ErrorCode code) {
    return of(code.category());
  }
}
