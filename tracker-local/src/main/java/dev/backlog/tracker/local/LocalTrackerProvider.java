package dev.backlog.tracker.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Changelogs;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureExistsException;
import dev.backlog.tracker.FeatureNotFoundException;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.TrackerStateException;
import dev.backlog.tracker.TransitionPolicy;
import dev.backlog.tracker.spi.AtomicFiles;
import dev.backlog.tracker.spi.FeatureJson;
import dev.backlog.tracker.spi.FileLocks;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filesystem tracker. Layout under the root:
 *
 * <pre>
 * features/&lt;ID&gt;/feature.json   the feature (stable field order)
 * features/&lt;ID&gt;/events.jsonl   its events, one JSON object per line
 * features/.locks/&lt;ID&gt;.lock     per-feature lock files
 * ROADMAP.md                    rendered from the features
 * CHANGELOG.md                  spliced with {@link Changelogs#splice}
 * </pre>
 *
 * Whole files are replaced atomically (unique temp file, fsync, atomic move); events are appended
 * with fsync. Each feature is guarded by a lock that holds across threads and processes, so several
 * hosts may share one root. A corrupt feature file is reported (reads name the file) and recovered
 * by the next {@link #persistRaw}; corrupt event lines, torn appends, stray temp files and lock
 * files are reported and repaired, never a permanent block. Feature codes are card ids, and a code
 * that would resolve outside {@code features/} is refused.
 *
 * <p>Thread-safe, and safe across processes sharing the root.
 */
public final class LocalTrackerProvider implements TrackerProvider {

  private static final Logger LOG = LoggerFactory.getLogger(LocalTrackerProvider.class);

  /** The provider id. */
  public static final String ID = "local";

  /** The roadmap file name under the root, unless configured otherwise. */
  public static final String DEFAULT_ROADMAP = "ROADMAP.md";

  /** The changelog file name under the root, unless configured otherwise. */
  public static final String DEFAULT_CHANGELOG = "CHANGELOG.md";

  /** The feature file in each feature directory. */
  public static final String FEATURE_FILE = "feature.json";

  /** The event journal in each feature directory. */
  public static final String EVENTS_FILE = "events.jsonl";

  private final Path root;
  private final Path features;
  private final Path locksDir;
  private final Path roadmap;
  private final Path changelog;
  private final Path stateFile;
  private final InstantSource clock;
  private final FileLocks locks = new FileLocks();
  private final ObjectMapper stateJson = new ObjectMapper();

  /** A provider with the default file names. */
  public LocalTrackerProvider(Path root, InstantSource clock) {
    this(root, DEFAULT_ROADMAP, DEFAULT_CHANGELOG, clock);
  }

  /**
   * Creates a provider; creates nothing on disk until the first write.
   *
   * @param root the tracker directory
   * @param roadmapPath the roadmap file, relative to the root
   * @param changelogPath the changelog file, relative to the root
   * @param clock stamps status events and the last sync
   */
  public LocalTrackerProvider(
      Path root, String roadmapPath, String changelogPath, InstantSource clock) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.features = this.root.resolve("features");
    this.locksDir = features.resolve(".locks");
    this.roadmap = inside(this.root.resolve(roadmapPath).normalize(), "roadmapPath");
    this.changelog = inside(this.root.resolve(changelogPath).normalize(), "changelogPath");
    this.stateFile = features.resolve(".tracker-state.json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private Path inside(Path path, String field) {
    if (!path.startsWith(root) || path.equals(root)) {
      throw InvalidInputException.of(
          field,
          field
              + " "
              + path
              + " is outside the tracker root "
              + root
              + "; give a file name inside it");
    }
    return path;
  }

  /** The tracker directory. */
  public Path root() {
    return root;
  }

  /** The directory of one feature; refuses a code that would resolve outside {@code features/}. */
  public Path featureDir(CardId code) {
    Path dir = features.resolve(code.value()).normalize();
    if (!dir.startsWith(features) || !features.equals(dir.getParent())) {
      throw InvalidInputException.of(
          "code",
          "feature code '"
              + code
              + "' would leave the tracker directory "
              + features
              + "; use a plain card id");
    }
    return dir;
  }

  private Path lockFile(CardId code) {
    featureDir(code);
    return locksDir.resolve(code.value() + ".lock");
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Optional<Feature> getFeature(CardId code) {
    return read(code);
  }

  private Optional<Feature> read(CardId code) {
    Path file = featureDir(code).resolve(FEATURE_FILE);
    Optional<String> text = AtomicFiles.read(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Feature feature;
    try {
      feature = FeatureJson.read(text.get());
    } catch (IllegalArgumentException e) {
      throw corrupt(file, e.getMessage());
    }
    if (!feature.code().equals(code)) {
      throw corrupt(
          file, "it holds code " + feature.code() + " but lives in the directory of " + code);
    }
    return Optional.of(feature);
  }

  private static TrackerStateException corrupt(Path file, String why) {
    return new TrackerStateException(
        file,
        "feature file "
            + file
            + " is corrupt ("
            + why
            + "); rewrite it with persistRaw (the tracker bridge does so from the card) or delete it");
  }

  @Override
  public List<Feature> listFeatures() {
    List<Feature> out = new ArrayList<>();
    if (!Files.isDirectory(features)) {
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(features, Files::isDirectory)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        Optional<String> problem = CardId.problem(name);
        if (problem.isPresent()) {
          LOG.warn("directory {} is not a feature ({}); it is ignored", dir, problem.get());
          continue;
        }
        try {
          read(CardId.of(name)).ifPresent(out::add);
        } catch (TrackerStateException e) {
          LOG.warn("{}; the feature is left out of listings until then", e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new TrackerStateException(
          features, "could not list " + features + " (" + e + "); check permissions", e);
    }
    out.sort(Comparator.comparing(Feature::code));
    return out;
  }

  @Override
  public Feature createFeature(Feature feature) {
    locks.withLock(
        lockFile(feature.code()),
        () -> {
          Path file = featureDir(feature.code()).resolve(FEATURE_FILE);
          if (Files.exists(file)) {
            throw new FeatureExistsException(feature.code(), ID);
          }
          write(feature);
        });
    renderRoadmap();
    return feature;
  }

  @Override
  public Feature putFeature(Feature feature) {
    locks.withLock(
        lockFile(feature.code()),
        () -> {
          Feature current =
              read(feature.code())
                  .orElseThrow(() -> new FeatureNotFoundException(feature.code(), ID));
          TransitionPolicy.checkUnchanged(feature.code(), current.status(), feature.status());
          write(feature);
        });
    renderRoadmap();
    return feature;
  }

  @Override
  public Feature persistRaw(Feature feature) {
    locks.withLock(lockFile(feature.code()), () -> write(feature));
    return feature;
  }

  private void write(Feature feature) {
    Path file = featureDir(feature.code()).resolve(FEATURE_FILE);
    String json = FeatureJson.write(feature);
    if (!AtomicFiles.read(file).map(json::equals).orElse(false)) {
      AtomicFiles.write(file, json);
    }
  }

  @Override
  public Feature setStatus(CardId code, FeatureStatus status, String actor) {
    Feature result =
        locks.withLock(
            lockFile(code),
            () -> {
              Feature current =
                  read(code).orElseThrow(() -> new FeatureNotFoundException(code, ID));
              TransitionPolicy.check(code, current.status(), status);
              if (current.status() == status) {
                return current;
              }
              Feature next = current.withStatus(status);
              write(next);
              AtomicFiles.appendLine(
                  eventsFile(code),
                  FeatureJson.writeEvent(
                      new FeatureEvent(
                          "status-" + UUID.randomUUID(),
                          code,
                          "status",
                          actor,
                          clock.instant(),
                          "{\"from\":\""
                              + current.status().wireName()
                              + "\",\"to\":\""
                              + status.wireName()
                              + "\"}")));
              return next;
            });
    renderRoadmap();
    return result;
  }

  private Path eventsFile(CardId code) {
    return featureDir(code).resolve(EVENTS_FILE);
  }

  @Override
  public boolean appendEvent(FeatureEvent event) {
    return locks.withLock(
        lockFile(event.code()),
        () -> {
          if (!Files.exists(featureDir(event.code()).resolve(FEATURE_FILE))) {
            throw new FeatureNotFoundException(event.code(), ID);
          }
          for (FeatureEvent existing : readEvents(event.code())) {
            if (existing.id().equals(event.id())) {
              return false;
            }
          }
          AtomicFiles.appendLine(eventsFile(event.code()), FeatureJson.writeEvent(event));
          return true;
        });
  }

  @Override
  public List<FeatureEvent> readEvents(CardId code) {
    Path file = eventsFile(code);
    String text = AtomicFiles.read(file).orElse("");
    List<FeatureEvent> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      boolean torn = i == lines.length - 1;
      try {
        FeatureEvent event = FeatureJson.readEvent(line);
        if (seen.add(event.id())) {
          out.add(event);
        }
      } catch (IllegalArgumentException e) {
        if (torn) {
          LOG.warn(
              "{} ends with a torn line (an interrupted append); it is ignored and cut off at the next append",
              file);
        } else {
          LOG.warn("{} line {} is corrupt ({}); it is skipped", file, i + 1, e.getMessage());
        }
      }
    }
    return out;
  }

  @Override
  public String getChangelog() {
    return AtomicFiles.read(changelog).orElse("");
  }

  @Override
  public void putChangelog(String content) {
    Objects.requireNonNull(content, "content");
    locks.withLock(locksDir.resolve("changelog.lock"), () -> AtomicFiles.write(changelog, content));
  }

  @Override
  public ChangelogSplice appendChangelog(ChangelogEntry entry) {
    return locks.withLock(
        locksDir.resolve("changelog.lock"),
        () -> {
          ChangelogSplice splice = Changelogs.splice(getChangelog(), entry);
          if (splice.changed()) {
            AtomicFiles.write(changelog, splice.content());
          }
          return splice;
        });
  }

  @Override
  public String renderRoadmap() {
    return locks.withLock(
        locksDir.resolve("roadmap.lock"),
        () -> {
          String content = Roadmaps.render(listFeatures());
          if (!AtomicFiles.read(roadmap).map(content::equals).orElse(false)) {
            AtomicFiles.write(roadmap, content);
          }
          return content;
        });
  }

  @Override
  public TrackerHealth health() {
    return new TrackerHealth(ID, "local files under " + root, 0, 0, 0, lastSync().orElse(null));
  }

  private Optional<Instant> lastSync() {
    Optional<String> text = AtomicFiles.read(stateFile);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode at = stateJson.readTree(text.get()).get("lastSync");
      return Optional.of(Instant.parse(at.asText()));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "tracker state file {} is corrupt ({}); last sync is unknown until the next sync rewrites it",
          stateFile,
          e instanceof DateTimeParseException ? e.getMessage() : e.toString());
      return Optional.empty();
    }
  }

  /**
   * Repairs and refreshes: removes temp files left by interrupted writes, re-renders the roadmap
   * and records the sync time. Local writes are immediate, so nothing is ever pending.
   */
  @Override
  public SyncReport sync() {
    Duration grace = Duration.ofMinutes(1);
    int removed =
        AtomicFiles.removeStaleTemps(root, grace) + AtomicFiles.removeStaleTemps(features, grace);
    if (Files.isDirectory(features)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(features, Files::isDirectory)) {
        for (Path dir : dirs) {
          removed += AtomicFiles.removeStaleTemps(dir, grace);
        }
      } catch (IOException e) {
        throw new TrackerStateException(features, "could not list " + features + " (" + e + ")", e);
      }
    }
    if (removed > 0) {
      LOG.info("sync removed {} temp file(s) left by interrupted writes under {}", removed, root);
    }
    renderRoadmap();
    AtomicFiles.write(stateFile, "{\"lastSync\":\"" + clock.instant() + "\"}\n");
    return SyncReport.EMPTY;
  }

  @Override
  public String toString() {
    return "LocalTrackerProvider[" + root + "]";
  }
}
