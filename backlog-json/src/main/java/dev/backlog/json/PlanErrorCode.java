package dev.backlog.json;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/** The error codes of plan files, beside the core's. */
public enum PlanErrorCode implements ErrorCode {
  /** A plan file has bad lines, or does not fit the backlog; nothing was imported. */
  IMPORT_INVALID(ErrorCategory.INVALID_INPUT);

  private final ErrorCategory category;

  PlanErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
