package dev.backlog.tracker;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.backlog.tracker.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the tracker block from the project config ({@code <project>/.backlog/config.json}) or, when
 * the project has none, from {@code $BACKLOG_HOME/config.json}:
 *
 * <pre>{@code {"tracker": {"provider": "local", "local": {"root": "."}}}}</pre>
 *
 * No file or no tracker block selects the local provider. The tracker block holds {@code provider}
 * and one object of settings per provider. A malformed file, a tracker block without a provider, a
 * setting beside {@code provider} instead of inside a provider's block, or a mistyped field fails
 * with a {@link TrackerConfigException} naming the file, the field and the fix; it never falls back
 * silently. (A block named for a provider that is not installed is caught by {@link
 * TrackerProviders#open}, which knows the installed ones.)
 *
 * <p>Stateless and thread-safe.
 */
public final class TrackerConfigLoader {

  /** The project config file, relative to the project directory. */
  public static final String PROJECT_CONFIG = ".backlog/config.json";

  /** The home config file, relative to the backlog home. */
  public static final String HOME_CONFIG = "config.json";

  /** The environment variable naming the backlog home. */
  public static final String HOME_ENV = "BACKLOG_HOME";

  private static final Pattern PROVIDER_ID = Pattern.compile("[a-z][a-z0-9-]{0,63}");

  private TrackerConfigLoader() {}

  /** The backlog home: {@code $BACKLOG_HOME} when set, else {@code ~/.backlog}. */
  public static Path defaultHome(Map<String, String> env) {
    String value = env.get(HOME_ENV);
    if (value != null && !value.isBlank()) {
      return Path.of(value).toAbsolutePath().normalize();
    }
    return Path.of(System.getProperty("user.home"), ".backlog").toAbsolutePath().normalize();
  }

  /** The nearest directory at or above {@code start} that holds a project config. */
  public static Optional<Path> findProjectDir(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(PROJECT_CONFIG))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /**
   * Loads the tracker configuration.
   *
   * @param projectDir the project directory, or null when there is no project
   * @param home the backlog home
   * @throws TrackerConfigException when the file in use is malformed
   */
  public static TrackerConfig load(Path projectDir, Path home) {
    Objects.requireNonNull(home, "home");
    if (projectDir != null) {
      Path project = projectDir.resolve(PROJECT_CONFIG);
      if (Files.exists(project)) {
        return parse(read(project), project, projectDir, home);
      }
    }
    Path homeConfig = home.resolve(HOME_CONFIG);
    if (Files.exists(homeConfig)) {
      return parse(read(homeConfig), homeConfig, null, home);
    }
    return TrackerConfig.defaults(null, home);
  }

  /**
   * Parses config text.
   *
   * @param json the file's content
   * @param source the file, for error messages (or null)
   * @param projectDir the project directory when the text is a project config, else null
   * @param home the backlog home
   */
  public static TrackerConfig parse(String json, Path source, Path projectDir, Path home) {
    JsonNode root;
    try {
      ObjectReader reader =
          Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = reader.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new TrackerConfigException(
          source,
          "(file)",
          "is not valid JSON" + where + ": " + redact(e.getOriginalMessage()),
          "correct the JSON syntax (or delete the file to use the defaults)",
          e);
    }
    if (root == null || root.isMissingNode()) {
      throw new TrackerConfigException(
          source, "(file)", "is empty", "write a JSON object such as {} or delete the file");
    }
    if (!root.isObject()) {
      throw new TrackerConfigException(
          source,
          "(root)",
          "is " + Json.describe(root) + ", not a JSON object",
          "make the file a JSON object, e.g. {\"tracker\": {\"provider\": \"local\"}}");
    }
    JsonNode tracker = root.get("tracker");
    if (tracker == null) {
      return new TrackerConfig(TrackerConfig.DEFAULT_PROVIDER, null, source, projectDir, home);
    }
    if (!tracker.isObject()) {
      throw new TrackerConfigException(
          source,
          "tracker",
          "is " + Json.describe(tracker) + ", not an object",
          "write \"tracker\": {\"provider\": \"local\"} or remove the block to use the local provider");
    }
    JsonNode provider = tracker.get("provider");
    if (provider == null || provider.isNull()) {
      throw new TrackerConfigException(
          source,
          "tracker.provider",
          "is missing",
          "add \"provider\": \"local\" (or the id of an installed provider) to the tracker block");
    }
    if (!provider.isTextual() || !PROVIDER_ID.matcher(provider.asText()).matches()) {
      throw new TrackerConfigException(
          source,
          "tracker.provider",
          "is "
              + (provider.isTextual() ? "'" + provider.asText() + "'" : Json.describe(provider))
              + ", not a provider id",
          "give the id of an installed provider as a lower-case string, e.g. \"local\"");
    }
    String id = provider.asText();
    Set<String> otherBlocks = new TreeSet<>();
    for (Map.Entry<String, JsonNode> field : tracker.properties()) {
      String name = field.getKey();
      if (name.equals("provider") || name.equals(id)) {
        continue;
      }
      if (!field.getValue().isObject()) {
        throw new TrackerConfigException(
            source,
            "tracker." + name,
            "is a setting outside a provider block (the tracker block holds \"provider\" and one"
                + " block of settings per provider)",
            "move it into the \""
                + id
                + "\" block: {\"tracker\": {\"provider\": \""
                + id
                + "\", \""
                + id
                + "\": {\""
                + name
                + "\": …}}}");
      }
      otherBlocks.add(name);
    }
    return new TrackerConfig(id, tracker.get(id), source, projectDir, home)
        .withOtherBlocks(tracker.get(id) != null, otherBlocks);
  }

  /**
   * Hides long quoted tokens in a parser message: a mistyped secret must not reach an error
   * message.
   */
  private static String redact(String message) {
    return String.valueOf(message).replaceAll("'[^']{9,}'", "'(hidden)'").replaceAll("\\s+", " ");
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TrackerConfigException(
          file,
          "(file)",
          "cannot be read (" + e + ")",
          "check that the file is readable by this user",
          e);
    }
  }
}
