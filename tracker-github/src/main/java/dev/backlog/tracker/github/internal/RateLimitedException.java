package dev.backlog.tracker.github.internal;

import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import java.time.Instant;

/**
 * A rate limit lifts later than the provider may wait ({@code maxRateLimitWaitSeconds}); the sync
 * stops and leaves its remaining ops pending.
 */
public final class RateLimitedException extends GitHubException {

  private static final long serialVersionUID = 1L;

  private final Instant resetAt;

  /** Creates the exception. */
  public RateLimitedException(Instant resetAt, String message) {
    super(GitHubErrorCode.GITHUB_RATE_LIMITED, message);
    this.resetAt = resetAt;
  }

  /** When the limit lifts. */
  public Instant resetAt() {
    return resetAt;
  }
}
