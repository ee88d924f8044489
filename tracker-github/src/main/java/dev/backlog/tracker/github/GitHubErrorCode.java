package dev.backlog.tracker.github;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/** The error codes the GitHub provider raises besides the tracker ones. */
public enum GitHubErrorCode implements ErrorCode {
  /** No token, a token GitHub refuses, or a token without the scopes the provider needs. */
  GITHUB_AUTH(ErrorCategory.INVALID_INPUT),
  /**
   * The repository or the project named in the settings does not exist or is not visible to the
   * token.
   */
  GITHUB_NOT_FOUND(ErrorCategory.NOT_FOUND),
  /** The project's {@code Status} field lacks an option for a feature status. */
  GITHUB_PROJECT_SETUP(ErrorCategory.INVALID_INPUT),
  /** A rate limit resets later than the provider is allowed to wait. */
  GITHUB_RATE_LIMITED(ErrorCategory.UNAVAILABLE),
  /** GitHub answered with an error or could not be reached. */
  GITHUB_UNAVAILABLE(ErrorCategory.UNAVAILABLE);

  private final ErrorCategory category;

  GitHubErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
