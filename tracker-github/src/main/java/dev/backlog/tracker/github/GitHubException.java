package dev.backlog.tracker.github;

import dev.backlog.tracker.TrackerException;

/**
 * A failure talking to GitHub: authentication, a missing repository or project, a project set up
 * without the needed {@code Status} options, a rate limit too far away, or an error answer. The
 * message says what was wrong and what to do; it never holds the token.
 */
public class GitHubException extends TrackerException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public GitHubException(GitHubErrorCode code, String message) {
    super(code, message);
  }

  /** Creates the exception with its cause. */
  public GitHubException(GitHubErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
