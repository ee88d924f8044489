package dev.backlog.cli.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.BacklogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One {@code config.json}: a JSON object with string values for {@code db}, {@code dbUser}, {@code
 * dbPassword}, {@code actor} and (project config only) {@code home}. A file that is not such an
 * object fails loudly, naming the file and every problem.
 *
 * <p>Immutable and thread-safe.
 *
 * @param path the file
 * @param values the keys it sets
 */
record ConfigFile(Path path, Map<String, String> values) {

  /** The name of the config file inside a {@code .backlog} directory or the home. */
  static final String FILE_NAME = "config.json";

  /** The project directory searched for from the working directory upward. */
  static final String PROJECT_DIR = ".backlog";

  /** The tracker block; {@code backlog tracker} reads and validates it with the tracker API. */
  static final String TRACKER_KEY = "tracker";

  private static final Set<String> HOME_KEYS = Set.of("db", "dbUser", "dbPassword", "actor");
  private static final Set<String> PROJECT_KEYS =
      Set.of("db", "dbUser", "dbPassword", "actor", "home");

  ConfigFile {
    values = Map.copyOf(values);
  }

  Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** Reads the home config when it exists. */
  static Optional<ConfigFile> home(Path home) {
    Path file = home.resolve(FILE_NAME);
    return Files.isRegularFile(file) ? Optional.of(read(file, HOME_KEYS)) : Optional.empty();
  }

  /**
   * Reads the nearest {@code .backlog/config.json} from the directory upward, skipping the one that
   * is the home config.
   */
  static Optional<ConfigFile> project(Path start, Path home) {
    Path homeConfig = home.toAbsolutePath().normalize().resolve(FILE_NAME);
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path file = dir.resolve(PROJECT_DIR).resolve(FILE_NAME);
      if (Files.isRegularFile(file) && !file.equals(homeConfig)) {
        return Optional.of(read(file, PROJECT_KEYS));
      }
    }
    return Optional.empty();
  }

  private static ConfigFile read(Path file, Set<String> allowed) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw invalid(
          file,
          "is not valid JSON"
              + where
              + " ("
              + e.getOriginalMessage()
              + "); fix the file or remove it");
    } catch (IOException e) {
      throw invalid(file, "cannot be read (" + e + "); fix its permissions or remove it");
    }
    if (root == null || !root.isObject()) {
      throw invalid(
          file,
          "must hold a JSON object such as {\"actor\": \"alice\"}, not "
              + (root == null
                  ? "nothing"
                  : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT))
              + "; fix the file or remove it");
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String key = field.getKey();
      if (key.equals(TRACKER_KEY)) {
        continue;
      }
      if (!allowed.contains(key)) {
        problems.add(
            "unknown key '"
                + key
                + "' (allowed: "
                + String.join(
                    ", ", Stream.concat(allowed.stream(), Stream.of(TRACKER_KEY)).sorted().toList())
                + ")");
      } else if (!field.getValue().isTextual() || field.getValue().asText().isBlank()) {
        // the kind, never the value: a misplaced password must not be echoed
        problems.add(
            "key '" + key + "' that is " + kind(field.getValue()) + ", not a non-blank string");
      } else {
        values.put(key, field.getValue().asText());
      }
    }
    if (!problems.isEmpty()) {
      throw invalid(file, "has " + String.join("; ", problems) + "; fix the file or remove it");
    }
    return new ConfigFile(file, values);
  }

  private static String kind(JsonNode value) {
    if (value.isTextual()) {
      return "a blank string";
    }
    if (value.isNull()) {
      return "null";
    }
    return switch (value.getNodeType()) {
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static BacklogException invalid(Path file, String problem) {
    return new BacklogException(CliErrorCode.CONFIG_INVALID, "config file " + file + " " + problem);
  }
}
