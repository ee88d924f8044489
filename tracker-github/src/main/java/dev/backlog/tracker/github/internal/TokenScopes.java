package dev.backlog.tracker.github.internal;

import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import dev.backlog.tracker.github.GitHubTracker;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the token when the provider opens: GitHub must accept it, and when GitHub reports the
 * token's scopes they must include {@code repo}, and {@code project} when a project is configured.
 *
 * <p>Stateless and thread-safe.
 */
public final class TokenScopes {

  // the log category of the tracker, which wrote this line before the check moved here
  private static final Logger LOG = LoggerFactory.getLogger(GitHubTracker.class);

  private TokenScopes() {}

  /**
   * Checks the token.
   *
   * @param needsProject whether a project is configured
   * @throws GitHubException when GitHub refuses the token or scopes are missing
   */
  public static void check(GitHubClient client, Secret token, boolean needsProject) {
    GitHubClient.Response user = client.get("/user");
    if (user.status() / 100 != 2) {
      throw client.failure("GET", "/user", user);
    }
    String header = user.headers().first("x-oauth-scopes");
    if (header == null) {
      LOG.debug(
          "GitHub reports no scopes for the token from {} (a fine-grained or app token); not checked",
          token.origin());
      return;
    }
    Set<String> scopes = new TreeSet<>();
    Arrays.stream(header.split(","))
        .map(s -> s.strip().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .forEach(scopes::add);
    Set<String> missing = new TreeSet<>();
    if (!scopes.contains("repo")) {
      missing.add("repo");
    }
    if (needsProject && !scopes.contains("project")) {
      missing.add("project");
    }
    if (!missing.isEmpty()) {
      throw new GitHubException(
          GitHubErrorCode.GITHUB_AUTH,
          "the GitHub token from "
              + token.origin()
              + " lacks the scope(s) "
              + missing
              + " (it has "
              + scopes
              + "); the github tracker needs repo"
              + (needsProject ? " and project" : "")
              + ": run 'gh auth refresh -s "
              + String.join(",", missing)
              + "' or create a token with those scopes");
    }
  }
}
