package dev.backlog.tracker.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings of the {@code github} provider, read from the {@code tracker.github} block:
 *
 * <pre>
 * {"repo": "o/r", "projectNumber": 42, "branch": "main", "roadmapPath": "ROADMAP.md",
 *  "changelogPath": "CHANGELOG.md", "cacheTtlSeconds": 300, "apiUrl": "https://api.github.com",
 *  "auth": {"tokenEnv": "GITHUB_TOKEN"}, "writeSpacingMillis": 1000, "maxRateLimitWaitSeconds": 300,
 *  "stateDir": ".backlog-github/o/r"}
 * </pre>
 *
 * Only {@code repo} is required. Without {@code projectNumber} no project is kept in step; without
 * {@code branch} the repository's default branch is used. The settings hold the name of the token
 * variable, never the token.
 *
 * <p>Immutable and thread-safe.
 *
 * @param owner the repository owner (user or organization login)
 * @param repo the repository name
 * @param projectNumber the Projects v2 number under the owner, if any
 * @param branch the branch for the roadmap and changelog files, if not the default one
 * @param roadmapPath the roadmap file in the repository
 * @param changelogPath the changelog file in the repository
 * @param cacheTtl how long a cached answer may be revalidated with its ETag
 * @param apiUrl the API root (GitHub Enterprise: {@code https://host/api/v3})
 * @param tokenEnv the environment variable holding the token
 * @param writeSpacing the pause between two writes
 * @param maxRateLimitWait the longest wait for a rate limit before a sync stops and leaves its ops
 *     pending
 * @param stateDir where the op-log, conflict ledger and local copies live
 */
public record GitHubSettings(
    String owner,
    String repo,
    OptionalInt projectNumber,
    Optional<String> branch,
    String roadmapPath,
    String changelogPath,
    Duration cacheTtl,
    URI apiUrl,
    String tokenEnv,
    Duration writeSpacing,
    Duration maxRateLimitWait,
    Path stateDir) {

  /** The default API root. */
  public static final String DEFAULT_API_URL = "https://api.github.com";

  /** The default token variable. */
  public static final String DEFAULT_TOKEN_ENV = "GITHUB_TOKEN";

  /** The default roadmap file. */
  public static final String DEFAULT_ROADMAP = "ROADMAP.md";

  /** The default changelog file. */
  public static final String DEFAULT_CHANGELOG = "CHANGELOG.md";

  /** The default ETag cache lifetime in seconds. */
  public static final int DEFAULT_CACHE_TTL_SECONDS = 300;

  /** The default pause between writes in milliseconds. */
  public static final int DEFAULT_WRITE_SPACING_MILLIS = 1000;

  /** The default longest rate-limit wait in seconds. */
  public static final int DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 300;

  private static final Set<String> KNOWN =
      Set.of(
          "repo",
          "projectNumber",
          "branch",
          "roadmapPath",
          "changelogPath",
          "cacheTtlSeconds",
          "apiUrl",
          "auth",
          "writeSpacingMillis",
          "maxRateLimitWaitSeconds",
          "stateDir");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** Checks the parts. */
  public GitHubSettings {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(projectNumber, "projectNumber");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(roadmapPath, "roadmapPath");
    Objects.requireNonNull(changelogPath, "changelogPath");
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    Objects.requireNonNull(apiUrl, "apiUrl");
    Objects.requireNonNull(tokenEnv, "tokenEnv");
    Objects.requireNonNull(writeSpacing, "writeSpacing");
    Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
    Objects.requireNonNull(stateDir, "stateDir");
  }

  /** {@code owner/repo}. */
  public String fullName() {
    return owner + "/" + repo;
  }

  /**
   * Reads and checks the {@code tracker.github} block.
   *
   * @throws TrackerConfigException naming the file, the field and the fix for the first bad setting
   */
  public static GitHubSettings from(TrackerConfig config) {
    config.rejectUnknown(KNOWN);
    String full = config.requireText("repo", "\"owner/name\"");
    String[] parts = full.split("/", -1);
    if (parts.length != 2
        || !NAME.matcher(parts[0]).matches()
        || !NAME.matcher(parts[1]).matches()
        || parts[0].startsWith(".")
        || parts[1].startsWith(".")) {
      throw config.problem(
          "repo",
          "'" + full + "' is not of the form owner/name",
          "give the repository as \"owner/name\", e.g. \"octo-org/widgets\"");
    }
    OptionalInt project = config.integer("projectNumber", 1, Integer.MAX_VALUE);
    Optional<String> branch = config.text("branch");
    branch.ifPresent(
        b -> {
          if (b.contains("..")
              || b.startsWith("/")
              || b.endsWith("/")
              || b.chars()
                  .anyMatch(
                      c ->
                          c <= ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*'
                              || c == '[' || c == '\\')) {
            throw config.problem(
                "branch",
                "'" + b + "' is not a valid branch name",
                "give a branch name such as \"main\"");
          }
        });
    String roadmap = repoPath(config, "roadmapPath", DEFAULT_ROADMAP);
    String changelog = repoPath(config, "changelogPath", DEFAULT_CHANGELOG);
    if (roadmap.equals(changelog)) {
      throw config.problem(
          "changelogPath",
          "'" + changelog + "' is also the roadmapPath",
          "give the roadmap and the changelog different files");
    }
    int ttl = config.integer("cacheTtlSeconds", 0, 86_400).orElse(DEFAULT_CACHE_TTL_SECONDS);
    URI api = apiUrl(config);
    String tokenEnv = tokenEnv(config);
    int spacing =
        config.integer("writeSpacingMillis", 0, 60_000).orElse(DEFAULT_WRITE_SPACING_MILLIS);
    int maxWait =
        config
            .integer("maxRateLimitWaitSeconds", 0, 86_400)
            .orElse(DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS);
    Path state =
        config
            .path("stateDir")
            .orElse(
                config
                    .defaultRoot()
                    .resolve(".backlog-github")
                    .resolve(parts[0])
                    .resolve(parts[1]));
    return new GitHubSettings(
        parts[0],
        parts[1],
        project,
        branch,
        roadmap,
        changelog,
        Duration.ofSeconds(ttl),
        api,
        tokenEnv,
        Duration.ofMillis(spacing),
        Duration.ofSeconds(maxWait),
        state.toAbsolutePath().normalize());
  }

  private static String repoPath(TrackerConfig config, String name, String fallback) {
    String value = config.text(name).orElse(fallback);
    boolean bad =
        value.startsWith("/")
            || value.endsWith("/")
            || value.contains("\\")
            || value.contains("//")
            || value.chars().anyMatch(c -> c < ' ');
    for (String segment : value.split("/")) {
      bad |= segment.equals("..") || segment.equals(".");
    }
    if (bad) {
      throw config.problem(
          name,
          "'" + value + "' is not a file path inside the repository",
          "give a relative path without '..', such as \"" + fallback + "\"");
    }
    return value;
  }

  private static URI apiUrl(TrackerConfig config) {
    String text = config.text("apiUrl").orElse(DEFAULT_API_URL);
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equals("https") || scheme.equals("http"))
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw config.problem(
            "apiUrl",
            "'"
                + safeUrl(text)
                + "' is not an http(s) URL with a host and no user"
                + " info, query or fragment",
            "give the API root, e.g. \""
                + DEFAULT_API_URL
                + "\" or \"https://github.example.com/api/v3\"");
      }
      String s = uri.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return URI.create(s);
    } catch (URISyntaxException e) {
      throw config.problem(
          "apiUrl",
          "'" + safeUrl(text) + "' is not a URL (" + e.getReason() + ")",
          "give the API root, e.g. \"" + DEFAULT_API_URL + "\"");
    }
  }

  /**
   * The URL without anything between the scheme and an '@', so credentials pasted into it are not
   * echoed.
   */
  private static String safeUrl(String text) {
    return text.replaceAll("//[^/@]*@", "//***@");
  }

  private static String tokenEnv(TrackerConfig config) {
    ObjectNode settings = config.settings();
    JsonNode auth = settings.get("auth");
    if (auth == null || auth.isNull()) {
      return DEFAULT_TOKEN_ENV;
    }
    if (!auth.isObject()) {
      throw config.problem(
          "auth", "is not an object", "write {\"tokenEnv\": \"" + DEFAULT_TOKEN_ENV + "\"}");
    }
    Iterator<String> names = auth.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("tokenEnv")) {
        throw config.problem(
            "auth." + name,
            "is not a setting of the github provider's auth block (tokens are never"
                + " written in config files)",
            "remove it; name the token's environment variable in"
                + " \"tokenEnv\", one of "
                + new TreeSet<>(Set.of("tokenEnv")));
      }
    }
    JsonNode env = auth.get("tokenEnv");
    if (env == null || env.isNull()) {
      return DEFAULT_TOKEN_ENV;
    }
    if (!env.isTextual() || !ENV_NAME.matcher(env.asText()).matches()) {
      throw config.problem(
          "auth.tokenEnv",
          "is not the name of an environment variable (the value is not shown,"
              + " in case it is a token)",
          "give the variable's name, e.g. \""
              + DEFAULT_TOKEN_ENV
              + "\", and put the token in that variable");
    }
    return env.asText();
  }

  @Override
  public String toString() {
    return "GitHubSettings[repo="
        + fullName()
        + ", projectNumber="
        + (projectNumber.isPresent() ? String.valueOf(projectNumber.getAsInt()) : "none")
        + ", branch="
        + branch.orElse("(default)")
        + ", roadmapPath="
        + roadmapPath
        + ", changelogPath="
        + changelogPath
        + ", apiUrl="
        + apiUrl
        + ", tokenEnv="
        + tokenEnv
        + ", stateDir="
        + stateDir
        + "]";
  }
}
