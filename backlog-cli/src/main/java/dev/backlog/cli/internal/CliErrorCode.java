package dev.backlog.cli.internal;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/** The error codes the command itself raises, beside the core's. */
public enum CliErrorCode implements ErrorCode {
  /** The command line is malformed: unknown command or option, missing or unparsable value. */
  USAGE(ErrorCategory.INVALID_INPUT),
  /** A config file is unreadable, not JSON, or holds unknown or mistyped keys. */
  CONFIG_INVALID(ErrorCategory.INVALID_INPUT),
  /** An import file has bad lines; nothing was imported. */
  IMPORT_INVALID(ErrorCategory.INVALID_INPUT),
  /** A file could not be read or written. */
  IO_FAILURE(ErrorCategory.UNEXPECTED),
  /** A failure nobody anticipated; rerun with --verbose for the stack trace. */
  UNEXPECTED(ErrorCategory.UNEXPECTED);

  private final ErrorCategory category;

  CliErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
