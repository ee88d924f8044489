package dev.backlog.tracker.github.internal;

import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Finds the GitHub token: the configured environment variable, else {@code gh auth token} when the
 * {@code gh} command is on the {@code PATH} and the fallback is allowed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Tokens {

  private Tokens() {}

  /**
   * The token.
   *
   * @param tokenEnv the variable's name
   * @param environment looks variables up
   * @param ghFallback whether {@code gh auth token} may be asked
   * @throws GitHubException when no token is found, saying where it was looked for
   */
  public static Secret find(
      String tokenEnv, Function<String, Optional<String>> environment, boolean ghFallback) {
    Optional<String> value = environment.apply(tokenEnv).filter(v -> !v.isBlank());
    if (value.isPresent()) {
      return new Secret(value.get(), "$" + tokenEnv);
    }
    if (ghFallback) {
      Optional<Path> gh = onPath("gh", environment.apply("PATH").orElse(""));
      if (gh.isPresent()) {
        Optional<String> fromGh = runGh(gh.get());
        if (fromGh.isPresent()) {
          return new Secret(fromGh.get(), "gh auth token");
        }
      }
    }
    throw new GitHubException(
        GitHubErrorCode.GITHUB_AUTH,
        "no GitHub token: the environment variable "
            + tokenEnv
            + " (tracker.github.auth.tokenEnv) is not set"
            + (ghFallback ? " and 'gh auth token' gave none" : "")
            + "; export "
            + tokenEnv
            + " with a token that has the scopes repo and project, or run 'gh auth login -s"
            + " project'");
  }

  /** The executable of that name in one of the {@code PATH} directories, if any. */
  public static Optional<Path> onPath(String name, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      } catch (RuntimeException e) {
        // an unusable PATH entry: skip it
      }
    }
    return Optional.empty();
  }

  private static Optional<String> runGh(Path gh) {
    Process process = null;
    try {
      process =
          new ProcessBuilder(gh.toString(), "auth", "token")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      process.getOutputStream().close();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readNBytes(16 * 1024);
      }
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return Optional.empty();
      }
      String token = new String(out, StandardCharsets.UTF_8).strip();
      return token.isEmpty() || token.contains("\n") ? Optional.empty() : Optional.of(token);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (process != null) {
        process.destroy();
      }
    }
  }
}
