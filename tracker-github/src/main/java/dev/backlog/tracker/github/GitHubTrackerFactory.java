package dev.backlog.tracker.github;

import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.spi.TrackerProviderFactory;

/**
 * Registers the {@code github} provider: features as GitHub issues, events as comments, the Status
 * of a Projects v2 project, and the roadmap and changelog as repository files. See {@link
 * GitHubSettings} for the {@code tracker.github} block. The token comes from the configured
 * environment variable, else from {@code gh auth token}.
 *
 * <p>Stateless and thread-safe; does no I/O until {@link #create}.
 */
public final class GitHubTrackerFactory implements TrackerProviderFactory {

  /** Creates the factory; does nothing else. */
  public GitHubTrackerFactory() {}

  @Override
  public String id() {
    return GitHubTracker.ID;
  }

  @Override
  public String description() {
    return "GitHub issues, comments, a Projects v2 Status and repository files, through an op-log";
  }

  @Override
  public TrackerProvider create(TrackerContext context) {
    return GitHubTracker.open(context, GitHubRuntime.system());
  }
}
