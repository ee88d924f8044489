package dev.backlog.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.tracker.internal.Json;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The selected tracker provider and its settings block, as read from a config file by {@link
 * TrackerConfigLoader} or built in code. The typed accessors fail with a {@link
 * TrackerConfigException} naming the file, the field and the fix.
 *
 * <p>Immutable and thread-safe (the settings are copied in and out).
 */
public final class TrackerConfig {

  /** The provider used when no tracker block is configured. */
  public static final String DEFAULT_PROVIDER = "local";

  private final String provider;
  private final ObjectNode settings;
  private final Path source;
  private final Path projectDir;
  private final Path home;
  private final boolean ownBlock;
  private final Set<String> otherBlocks;

  /**
   * Creates a configuration.
   *
   * @param provider the provider id
   * @param settings the provider's settings block ({@code tracker.<provider>}), or null for none
   * @param source the file it came from, or null when built in code
   * @param projectDir the project directory when a project config exists, or null
   * @param home the backlog home directory ({@code $BACKLOG_HOME})
   */
  public TrackerConfig(
      String provider, JsonNode settings, Path source, Path projectDir, Path home) {
    this(provider, settings, source, projectDir, home, settings != null, Set.of());
  }

  private TrackerConfig(
      String provider,
      JsonNode settings,
      Path source,
      Path projectDir,
      Path home,
      boolean ownBlock,
      Set<String> otherBlocks) {
    this.ownBlock = ownBlock;
    this.otherBlocks = Set.copyOf(otherBlocks);
    this.provider = Objects.requireNonNull(provider, "provider");
    this.source = source;
    this.projectDir = projectDir;
    this.home = Objects.requireNonNull(home, "home");
    if (settings != null && !settings.isNull() && !settings.isObject()) {
      throw new TrackerConfigException(
          source,
          "tracker." + provider,
          "is " + Json.describe(settings) + ", not an object",
          "write the settings as a JSON object," + " e.g. \"" + provider + "\": {}");
    }
    this.settings =
        settings == null || settings.isNull()
            ? JsonNodeFactory.instance.objectNode()
            : ((ObjectNode) settings).deepCopy();
  }

  /**
   * This configuration, noting whether the file gave the provider a block of its own and the other
   * provider blocks beside it, so that {@link TrackerProviders#open} can catch a block whose name
   * was mistyped.
   */
  TrackerConfig withOtherBlocks(boolean ownBlock, Set<String> otherBlocks) {
    return new TrackerConfig(provider, settings, source, projectDir, home, ownBlock, otherBlocks);
  }

  /** Whether the file gave the selected provider a settings block. */
  boolean hasOwnBlock() {
    return ownBlock;
  }

  /** The names of the blocks for other providers beside the selected one's. */
  Set<String> otherBlocks() {
    return otherBlocks;
  }

  /** The local provider with no settings, for a host that has no config file. */
  public static TrackerConfig defaults(Path projectDir, Path home) {
    return new TrackerConfig(DEFAULT_PROVIDER, null, null, projectDir, home);
  }

  /** A configuration built in code from settings given as JSON object text. */
  public static TrackerConfig of(String provider, String settingsJson, Path projectDir, Path home) {
    JsonNode node;
    try {
      node = Json.parse(settingsJson);
    } catch (IllegalArgumentException e) {
      throw new TrackerConfigException(
          null,
          "tracker." + provider,
          "is not valid JSON (" + e.getMessage() + ")",
          "give the settings as a JSON object",
          e);
    }
    return new TrackerConfig(provider, node, null, projectDir, home);
  }

  /** The selected provider id. */
  public String provider() {
    return provider;
  }

  /** The file this configuration came from. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /** The project directory, when a project config exists. */
  public Optional<Path> projectDir() {
    return Optional.ofNullable(projectDir);
  }

  /** The backlog home directory. */
  public Path home() {
    return home;
  }

  /**
   * Where file-based providers keep their files by default: the project directory, else {@code
   * <home>/tracker}.
   */
  public Path defaultRoot() {
    return projectDir != null ? projectDir : home.resolve("tracker");
  }

  /** A copy of the provider's settings block. */
  public ObjectNode settings() {
    return settings.deepCopy();
  }

  /** The dotted path of a setting, such as {@code tracker.github.repo}. */
  public String fieldPath(String name) {
    return "tracker." + provider + "." + name;
  }

  /** An error about one setting, naming this configuration's file. */
  public TrackerConfigException problem(String name, String problem, String fix) {
    return new TrackerConfigException(source, fieldPath(name), problem, fix);
  }

  /** A string setting, if present; fails when it is present but not a non-blank string. */
  public Optional<String> text(String name) {
    JsonNode node = settings.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw problem(
          name,
          "is " + Json.describe(node) + ", not a non-blank string",
          "give a string, e.g. \"" + name + "\": \"value\"");
    }
    return Optional.of(node.asText());
  }

  /** A required string setting; fails naming the field and an example when it is missing. */
  public String requireText(String name, String example) {
    return text(name)
        .orElseThrow(
            () ->
                problem(
                    name,
                    "is missing",
                    "add \"" + name + "\": " + example + " to the \"" + provider + "\" block"));
  }

  /** An integer setting, if present; fails when it is present but not an integer in range. */
  public OptionalInt integer(String name, int min, int max) {
    JsonNode node = settings.get(name);
    if (node == null || node.isNull()) {
      return OptionalInt.empty();
    }
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.intValue() < min
        || node.intValue() > max) {
      throw problem(
          name,
          "is " + node + ", not an integer from " + min + " to " + max,
          "give a whole number in that range");
    }
    return OptionalInt.of(node.intValue());
  }

  /** A boolean setting, if present; fails when it is present but not true or false. */
  public Optional<Boolean> bool(String name) {
    JsonNode node = settings.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      throw problem(
          name, "is " + Json.describe(node) + ", not true or false", "give true or false");
    }
    return Optional.of(node.booleanValue());
  }

  /**
   * A path setting, resolved against the project directory (or the home directory when the
   * configuration is not a project's).
   */
  public Optional<Path> path(String name) {
    Optional<String> text = text(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path base = projectDir != null ? projectDir : home;
      return Optional.of(base.resolve(text.get()).normalize());
    } catch (InvalidPathException e) {
      throw problem(
          name,
          "'" + text.get() + "' is not a valid path (" + e.getReason() + ")",
          "give a file path");
    }
  }

  /** Fails naming the first setting that is not one of {@code known} (catches typos). */
  public void rejectUnknown(Set<String> known) {
    Iterator<String> names = settings.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw problem(
            name,
            "is not a setting of the " + provider + " provider",
            "remove it or use one of " + new TreeSet<>(known));
      }
    }
  }

  @Override
  public String toString() {
    return "TrackerConfig[provider="
        + provider
        + ", source="
        + (source == null ? "code" : source)
        + ", settings="
        + new TreeSet<>(iterable(settings.fieldNames()))
        + "]";
  }

  private static Set<String> iterable(Iterator<String> names) {
    Set<String> out = new TreeSet<>();
    names.forEachRemaining(out::add);
    return out;
  }
}
