package dev.backlog.tracker.github.internal;

import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;

/** GitHub answered a request with an error status that is not a rate limit. Carries the status. */
public final class GitHubApiException extends GitHubException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String remoteMessage;

  /** Creates the exception for an answer. */
  public GitHubApiException(int status, String remoteMessage, String message) {
    super(code(status), message);
    this.status = status;
    this.remoteMessage = remoteMessage == null ? "" : remoteMessage;
  }

  private static GitHubErrorCode code(int status) {
    if (status == 401 || status == 403) {
      return GitHubErrorCode.GITHUB_AUTH;
    }
    return status == 404 ? GitHubErrorCode.GITHUB_NOT_FOUND : GitHubErrorCode.GITHUB_UNAVAILABLE;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** GitHub's own message, possibly empty. */
  public String remoteMessage() {
    return remoteMessage;
  }
}
