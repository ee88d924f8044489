package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.TrackerStateException;
import dev.backlog.tracker.spi.AtomicFiles;
import dev.backlog.tracker.spi.FeatureJson;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitHub provider's local copy, under its state directory: the features and events as last
 * written (reads are served from here, so a write is visible at once while its remote op waits in
 * the op-log), which issue holds each feature, and the roadmap and changelog texts.
 *
 * <pre>
 * features/&lt;CODE&gt;.json    a feature
 * events/&lt;CODE&gt;.jsonl     its events, one per line
 * issues.json             code → issue number, node id, creating op, project item id
 * changelog.md, roadmap.md
 * state.json              last sync
 * </pre>
 *
 * Every file is replaced atomically or appended with fsync. Not thread-safe: used under the
 * provider's lock, which also serializes processes.
 */
public final class LocalState {

  private static final Logger LOG = LoggerFactory.getLogger(LocalState.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Path dir;
  private final Path features;
  private final Path events;

  /** Where a feature lives on GitHub. */
  public record IssueRef(int number, String nodeId, String createOp, String itemId) {

    /** This reference with a project item id. */
    public IssueRef withItem(String item) {
      return new IssueRef(number, nodeId, createOp, item);
    }
  }

  /** Opens the state under a directory (created on first write). */
  public LocalState(Path dir) {
    this.dir = dir;
    this.features = dir.resolve("features");
    this.events = dir.resolve("events");
  }

  /** The state directory. */
  public Path dir() {
    return dir;
  }

  private Path featureFile(CardId code) {
    return features.resolve(code.value() + ".json");
  }

  private Path eventsFile(CardId code) {
    return events.resolve(code.value() + ".jsonl");
  }

  /** A feature. */
  public Optional<Feature> feature(CardId code) {
    Path file = featureFile(code);
    Optional<String> text = AtomicFiles.read(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(FeatureJson.read(text.get()));
    } catch (IllegalArgumentException e) {
      throw new TrackerStateException(
          file,
          "feature file "
              + file
              + " is corrupt ("
              + e.getMessage()
              + "); rewrite it with persistRaw (the tracker bridge does so from the card) or delete it",
          e);
    }
  }

  /** Every readable feature, sorted by code. */
  public List<Feature> features() {
    List<Feature> out = new ArrayList<>();
    if (!Files.isDirectory(features)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(features, "*.json")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String code = name.substring(0, name.length() - ".json".length());
        if (CardId.problem(code).isPresent()) {
          continue;
        }
        try {
          feature(CardId.of(code)).ifPresent(out::add);
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

  /** Writes a feature when it differs from the stored one. */
  public void write(Feature feature) {
    String json = FeatureJson.write(feature);
    Path file = featureFile(feature.code());
    if (!AtomicFiles.read(file).map(json::equals).orElse(false)) {
      AtomicFiles.write(file, json);
    }
  }

  /** A feature's events in append order, skipping corrupt lines and duplicate ids. */
  public List<FeatureEvent> events(CardId code) {
    Path file = eventsFile(code);
    List<FeatureEvent> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String line : AtomicFiles.read(file).orElse("").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        FeatureEvent event = FeatureJson.readEvent(line);
        if (seen.add(event.id())) {
          out.add(event);
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("{} holds a corrupt or torn line ({}); it is skipped", file, e.getMessage());
      }
    }
    return out;
  }

  /** Appends an event (the caller checked its id is new). */
  public void append(FeatureEvent event) {
    AtomicFiles.appendLine(eventsFile(event.code()), FeatureJson.writeEvent(event));
  }

  /** Which issue holds each feature. */
  public SortedMap<CardId, IssueRef> issues() {
    SortedMap<CardId, IssueRef> out = new TreeMap<>();
    Path file = dir.resolve("issues.json");
    Optional<String> text = AtomicFiles.read(file);
    if (text.isEmpty()) {
      return out;
    }
    try {
      JsonNode root = JSON.readTree(text.get());
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        JsonNode v = e.getValue();
        out.put(
            CardId.of(e.getKey()),
            new IssueRef(
                v.path("number").asInt(),
                v.path("nodeId").asText(),
                v.path("op").asText(),
                v.hasNonNull("itemId") ? v.get("itemId").asText() : null));
      }
      return out;
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn(
          "{} is corrupt ({}); issues are looked up again by their markers", file, e.toString());
      return new TreeMap<>();
    }
  }

  /** The issue of one feature. */
  public Optional<IssueRef> issue(CardId code) {
    return Optional.ofNullable(issues().get(code));
  }

  /** Records the issue of a feature. */
  public void putIssue(CardId code, IssueRef ref) {
    SortedMap<CardId, IssueRef> all = issues();
    all.put(code, ref);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    all.forEach(
        (c, r) -> {
          ObjectNode node = root.putObject(c.value());
          node.put("number", r.number());
          node.put("nodeId", r.nodeId());
          node.put("op", r.createOp());
          if (r.itemId() != null) {
            node.put("itemId", r.itemId());
          }
        });
    try {
      AtomicFiles.write(
          dir.resolve("issues.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /** A stored text file (changelog.md, roadmap.md), if present. */
  public Optional<String> text(String name) {
    return AtomicFiles.read(dir.resolve(name));
  }

  /** Stores a text file when it differs. */
  public void putText(String name, String content) {
    Path file = dir.resolve(name);
    if (!AtomicFiles.read(file).map(content::equals).orElse(false)) {
      AtomicFiles.write(file, content);
    }
  }

  /** When the last sync finished, if known. */
  public Optional<Instant> lastSync() {
    Optional<String> text = AtomicFiles.read(dir.resolve("state.json"));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(JSON.readTree(text.get()).path("lastSync").asText()));
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn(
          "{} is corrupt ({}); the last sync is unknown until the next sync",
          dir.resolve("state.json"),
          e.toString());
      return Optional.empty();
    }
  }

  /** Records the end of a sync. */
  public void recordSync(Instant at) {
    AtomicFiles.write(dir.resolve("state.json"), "{\"lastSync\":\"" + at + "\"}\n");
  }
}
