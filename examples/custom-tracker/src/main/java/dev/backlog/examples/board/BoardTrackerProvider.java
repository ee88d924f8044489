package dev.backlog.examples.board;

import dev.backlog.core.CardId;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * A tracker kept in one Markdown file. The top of the file is for people: the roadmap table and the
 * changelog. Below a marker line, HTML comments (invisible when rendered) hold the data, one record
 * per line:
 *
 * <pre>
 * &lt;!-- backlog:feature {"code":"A1",…} --&gt;
 * &lt;!-- backlog:event {"id":"backlog-7",…} --&gt;
 * &lt;!-- backlog:changelog IyBDaGFuZ2Vsb2cK --&gt;   (Base64 of the changelog text)
 * &lt;!-- backlog:synced 2026-11-23T12:00:00Z --&gt;
 * </pre>
 *
 * Only the lines after the last marker line are data; the part above is regenerated on every write.
 * Every change reads the file, applies the change and rewrites the whole file atomically while
 * holding a lock on {@code <file>.lock} that works across threads and processes.
 *
 * <p>Thread-safe, and safe across processes sharing the file.
 */
public final class BoardTrackerProvider implements TrackerProvider {

  /** The provider id. */
  public static final String ID = "board";

  private static final String MARKER =
      "<!-- backlog:board data below; change it through the tracker, not by hand -->";
  private static final String PREFIX = "<!-- backlog:";
  private static final String SUFFIX = " -->";

  private final Path file;
  private final Path lockFile;
  private final InstantSource clock;
  private final FileLocks locks = new FileLocks();

  /** Creates a provider on a board file (created on the first write). */
  public BoardTrackerProvider(Path file, InstantSource clock) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The parsed board; mutable, used only under the lock or as a private snapshot. */
  private static final class Board {
    final SortedMap<CardId, Feature> features = new TreeMap<>();
    final List<FeatureEvent> events = new ArrayList<>();
    String changelog = "";
    Instant synced;
  }

  private Board load() {
    Board board = new Board();
    String text = AtomicFiles.read(file).orElse("");
    int data = text.lastIndexOf(MARKER + "\n");
    if (data < 0) {
      return board;
    }
    int lineNo = (int) text.substring(0, data).chars().filter(c -> c == '\n').count() + 1;
    for (String line : text.substring(data + MARKER.length() + 1).split("\n")) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      if (!line.startsWith(PREFIX) || !line.endsWith(SUFFIX)) {
        throw new TrackerStateException(
            file,
            "board "
                + file
                + " line "
                + lineNo
                + " is not a data record;"
                + " restore the line from version control or delete it");
      }
      String body = line.substring(PREFIX.length(), line.length() - SUFFIX.length());
      int space = body.indexOf(' ');
      String kind = space < 0 ? body : body.substring(0, space);
      String value = space < 0 ? "" : body.substring(space + 1);
      try {
        switch (kind) {
          case "feature":
            Feature feature = FeatureJson.read(value);
            board.features.put(feature.code(), feature);
            break;
          case "event":
            board.events.add(FeatureJson.readEvent(value));
            break;
          case "changelog":
            board.changelog = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            break;
          case "synced":
            board.synced = Instant.parse(value);
            break;
          default:
            throw new IllegalArgumentException("unknown record kind '" + kind + "'");
        }
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new TrackerStateException(
            file,
            "board "
                + file
                + " line "
                + lineNo
                + " is corrupt ("
                + e.getMessage()
                + "); restore the line from version control or delete it");
      }
    }
    return board;
  }

  private void save(Board board) {
    StringBuilder out = new StringBuilder(Roadmaps.render(board.features.values()));
    if (!board.changelog.isEmpty()) {
      out.append("\n---\n\n").append(board.changelog);
      if (!board.changelog.endsWith("\n")) {
        out.append('\n');
      }
    }
    out.append('\n').append(MARKER).append('\n');
    for (Feature feature : board.features.values()) {
      record(out, "feature", escape(FeatureJson.toTree(feature).toString()));
    }
    for (FeatureEvent event : board.events) {
      record(out, "event", escape(FeatureJson.writeEvent(event)));
    }
    if (!board.changelog.isEmpty()) {
      record(
          out,
          "changelog",
          Base64.getEncoder().encodeToString(board.changelog.getBytes(StandardCharsets.UTF_8)));
    }
    if (board.synced != null) {
      record(out, "synced", board.synced.toString());
    }
    String content = out.toString();
    if (!AtomicFiles.read(file).map(content::equals).orElse(false)) {
      AtomicFiles.write(file, content);
    }
  }

  private static void record(StringBuilder out, String kind, String value) {
    out.append(PREFIX).append(kind).append(' ').append(value).append(SUFFIX).append('\n');
  }

  /**
   * '>' only occurs inside JSON strings, so escaping it keeps "-->" out of the comment and the JSON
   * valid.
   */
  private static String escape(String json) {
    return json.replace(">", "\\u003e");
  }

  private <T> T change(Function<Board, T> work) {
    return locks.withLock(
        lockFile,
        () -> {
          Board board = load();
          T result = work.apply(board);
          save(board);
          return result;
        });
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Optional<Feature> getFeature(CardId code) {
    return Optional.ofNullable(load().features.get(code));
  }

  @Override
  public List<Feature> listFeatures() {
    return List.copyOf(load().features.values());
  }

  @Override
  public Feature createFeature(Feature feature) {
    return change(
        board -> {
          if (board.features.containsKey(feature.code())) {
            throw new FeatureExistsException(feature.code(), ID);
          }
          board.features.put(feature.code(), feature);
          return feature;
        });
  }

  @Override
  public Feature putFeature(Feature feature) {
    return change(
        board -> {
          Feature current = existing(board, feature.code());
          TransitionPolicy.checkUnchanged(feature.code(), current.status(), feature.status());
          board.features.put(feature.code(), feature);
          return feature;
        });
  }

  @Override
  public Feature persistRaw(Feature feature) {
    return change(
        board -> {
          board.features.put(feature.code(), feature);
          return feature;
        });
  }

  @Override
  public Feature setStatus(CardId code, FeatureStatus status, String actor) {
    return change(
        board -> {
          Feature current = existing(board, code);
          TransitionPolicy.check(code, current.status(), status);
          if (current.status() == status) {
            return current;
          }
          Feature next = current.withStatus(status);
          board.features.put(code, next);
          board.events.add(
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
                      + "\"}"));
          return next;
        });
  }

  private static Feature existing(Board board, CardId code) {
    Feature current = board.features.get(code);
    if (current == null) {
      throw new FeatureNotFoundException(code, ID);
    }
    return current;
  }

  @Override
  public boolean appendEvent(FeatureEvent event) {
    return change(
        board -> {
          existing(board, event.code());
          if (board.events.stream().anyMatch(e -> e.id().equals(event.id()))) {
            return false;
          }
          return board.events.add(event);
        });
  }

  @Override
  public List<FeatureEvent> readEvents(CardId code) {
    return load().events.stream().filter(e -> e.code().equals(code)).toList();
  }

  @Override
  public String getChangelog() {
    return load().changelog;
  }

  @Override
  public void putChangelog(String content) {
    Objects.requireNonNull(content, "content");
    change(
        board -> {
          board.changelog = content;
          return null;
        });
  }

  @Override
  public ChangelogSplice appendChangelog(ChangelogEntry entry) {
    return change(
        board -> {
          ChangelogSplice splice = Changelogs.splice(board.changelog, entry);
          board.changelog = splice.content();
          return splice;
        });
  }

  @Override
  public String renderRoadmap() {
    return change(board -> Roadmaps.render(board.features.values()));
  }

  @Override
  public TrackerHealth health() {
    return new TrackerHealth(ID, "Markdown board " + file, 0, 0, 0, load().synced);
  }

  @Override
  public SyncReport sync() {
    change(
        board -> {
          board.synced = clock.instant();
          return null;
        });
    return SyncReport.EMPTY;
  }

  @Override
  public String toString() {
    return "BoardTrackerProvider[" + file + "]";
  }
}
