package dev.backlog.tracker.local;

import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.spi.TrackerProviderFactory;
import java.nio.file.Path;
import java.util.Set;

/**
 * Registers the {@code local} provider. Settings (all optional), in {@code
 * {"tracker":{"provider":"local","local":{…}}}}:
 *
 * <ul>
 *   <li>{@code root}: the tracker directory, relative to the project (default: the project
 *       directory when a project config exists, else {@code $BACKLOG_HOME/tracker});
 *   <li>{@code roadmapPath}, {@code changelogPath}: file names relative to the root (defaults
 *       {@value LocalTrackerProvider#DEFAULT_ROADMAP}, {@value
 *       LocalTrackerProvider#DEFAULT_CHANGELOG}).
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class LocalTrackerFactory implements TrackerProviderFactory {

  private static final Set<String> SETTINGS = Set.of("root", "roadmapPath", "changelogPath");

  /** Creates the factory; does nothing else. */
  public LocalTrackerFactory() {}

  @Override
  public String id() {
    return LocalTrackerProvider.ID;
  }

  @Override
  public String description() {
    return "feature files, ROADMAP.md and CHANGELOG.md in a local directory";
  }

  @Override
  public TrackerProvider create(TrackerContext context) {
    TrackerConfig config = context.config();
    config.rejectUnknown(SETTINGS);
    Path root = config.path("root").orElse(config.defaultRoot());
    String roadmap = fileName(config, "roadmapPath", LocalTrackerProvider.DEFAULT_ROADMAP);
    String changelog = fileName(config, "changelogPath", LocalTrackerProvider.DEFAULT_CHANGELOG);
    return new LocalTrackerProvider(root, roadmap, changelog, context.clock());
  }

  private static String fileName(TrackerConfig config, String name, String fallback) {
    String value = config.text(name).orElse(fallback);
    Path path = Path.of(value).normalize();
    if (path.isAbsolute() || path.startsWith("..") || path.toString().isEmpty()) {
      throw config.problem(
          name,
          "'" + value + "' leaves the tracker root",
          "give a path inside the root, such as " + fallback);
    }
    return path.toString();
  }
}
