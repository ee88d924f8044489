package dev.backlog.mcp.internal;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/** The MCP server's own error codes, beside the core's, in a refused tool call's error object. */
enum McpErrorCode implements ErrorCode {
  /** A tool failed in a way nothing else names: a defect. */
  UNEXPECTED(ErrorCategory.UNEXPECTED);

  private final ErrorCategory category;

  McpErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
