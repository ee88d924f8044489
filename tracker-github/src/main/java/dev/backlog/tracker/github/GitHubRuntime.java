package dev.backlog.tracker.github;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the GitHub provider takes from its surroundings: the environment (for the token variable),
 * how to wait, and whether it may ask the {@code gh} command line for a token. {@link #system()} is
 * what {@link GitHubTrackerFactory} uses; tests build their own (a fixed environment, a sleeper on
 * a virtual clock, no {@code gh}) and pass it to {@link GitHubTracker#open}.
 *
 * <p>Immutable and thread-safe when its parts are.
 *
 * @param environment looks up an environment variable by name
 * @param sleeper waits between writes and for rate limits
 * @param ghCliFallback whether to run {@code gh auth token} when the token variable is unset
 */
public record GitHubRuntime(
    Function<String, Optional<String>> environment, Sleeper sleeper, boolean ghCliFallback) {

  /** Checks the parts. */
  public GitHubRuntime {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(sleeper, "sleeper");
  }

  /** The process environment, real sleeping and the {@code gh} fallback. */
  public static GitHubRuntime system() {
    return new GitHubRuntime(
        name -> Optional.ofNullable(System.getenv(name)), Sleeper.SYSTEM, true);
  }

  @Override
  public String toString() {
    return "GitHubRuntime[ghCliFallback=" + ghCliFallback + "]";
  }
}
