package dev.backlog.tracker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three-way conflict ledger for remote providers: for each feature it keeps the base (the last
 * synced value of each managed field) and the open conflicts. {@link #merge} compares base, local
 * and remote field by field: a field only one side changed takes that side's value, a field both
 * changed the same way agrees, and a field both changed differently becomes a ledger entry until
 * {@link #resolve}d. Because the comparison is on field values, a provider's own writes (comments,
 * labels it manages) never look like remote edits.
 *
 * <p>State lives in one JSON file, rewritten atomically after each change. A corrupt file is
 * reported, moved aside and replaced by an empty ledger: with no base every differing field is
 * reported as a conflict again, so nothing is overwritten silently. Thread-safe within one process;
 * to serialize processes, use it only while holding the provider's {@link OpLog} open.
 */
public final class ConflictLedger {

  private static final Logger LOG = LoggerFactory.getLogger(ConflictLedger.class);

  private final Path file;
  private final InstantSource clock;
  private final SortedMap<CardId, SortedMap<String, String>> bases = new TreeMap<>();
  private final List<FieldConflict> conflicts = new ArrayList<>();

  private ConflictLedger(Path file, InstantSource clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Opens the ledger stored at {@code file} (empty when the file does not exist). */
  public static ConflictLedger open(Path file, InstantSource clock) {
    ConflictLedger ledger =
        new ConflictLedger(
            Objects.requireNonNull(file, "file"), Objects.requireNonNull(clock, "clock"));
    AtomicFiles.read(file).ifPresent(ledger::load);
    return ledger;
  }

  private void load(String text) {
    try {
      JsonNode root = Json.parse(text);
      for (Map.Entry<String, JsonNode> feature : root.get("bases").properties()) {
        SortedMap<String, String> values = new TreeMap<>();
        feature
            .getValue()
            .properties()
            .forEach(f -> values.put(f.getKey(), textOrNull(f.getValue())));
        bases.put(CardId.of(feature.getKey()), values);
      }
      for (JsonNode c : root.get("conflicts")) {
        conflicts.add(
            new FieldConflict(
                CardId.of(c.get("feature").asText()),
                c.get("field").asText(),
                textOrNull(c.get("base")),
                textOrNull(c.get("local")),
                textOrNull(c.get("remote")),
                Instant.parse(c.get("at").asText())));
      }
    } catch (RuntimeException e) {
      bases.clear();
      conflicts.clear();
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + clock.millis());
      try {
        Files.move(file, aside);
      } catch (IOException moveFailed) {
        LOG.warn("could not move the corrupt ledger {} aside", file, moveFailed);
      }
      LOG.warn(
          "conflict ledger {} is corrupt ({}); moved it to {} and started empty: differing fields will be"
              + " reported as conflicts again",
          file,
          e.toString(),
          aside);
    }
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  /** The last synced values of a feature's managed fields (empty when never synced). */
  public synchronized SortedMap<String, String> base(CardId feature) {
    return new TreeMap<>(bases.getOrDefault(feature, new TreeMap<>()));
  }

  /**
   * Merges a feature's local and remote values against the base and records new conflicts. The base
   * is not changed; call {@link #recordSynced} once both sides hold the merged values.
   *
   * @param local the local values (absent fields are missing keys)
   * @param remote the remote values (absent fields are missing keys)
   */
  public synchronized Merge merge(
      CardId feature, Map<String, String> local, Map<String, String> remote) {
    Map<String, String> base = bases.getOrDefault(feature, new TreeMap<>());
    Set<String> names = new TreeSet<>(base.keySet());
    names.addAll(local.keySet());
    names.addAll(remote.keySet());
    SortedMap<String, String> merged = new TreeMap<>();
    Set<String> toPush = new TreeSet<>();
    Set<String> toPull = new TreeSet<>();
    List<FieldConflict> found = new ArrayList<>();
    Instant now = clock.instant();
    for (String name : names) {
      String b = base.get(name);
      String l = local.get(name);
      String r = remote.get(name);
      String value;
      if (Objects.equals(l, r)) {
        value = l;
      } else if (Objects.equals(l, b)) {
        value = r;
        toPull.add(name);
      } else if (Objects.equals(r, b)) {
        value = l;
        toPush.add(name);
      } else {
        value = l;
        FieldConflict conflict = new FieldConflict(feature, name, b, l, r, now);
        found.add(conflict);
        conflicts.removeIf(c -> c.feature().equals(feature) && c.field().equals(name));
        conflicts.add(conflict);
      }
      if (value != null) {
        merged.put(name, value);
      }
    }
    if (!found.isEmpty()) {
      LOG.warn(
          "feature {}: {} field(s) changed on both sides since the last sync: {}",
          feature,
          found.size(),
          found.stream().map(FieldConflict::field).toList());
      save();
    }
    return new Merge(merged, toPush, toPull, found);
  }

  /**
   * Records that both sides now hold these values: they become the base of every field not in an
   * open conflict.
   */
  public synchronized void recordSynced(CardId feature, Map<String, String> snapshot) {
    Set<String> open = new HashSet<>();
    conflicts.stream().filter(c -> c.feature().equals(feature)).forEach(c -> open.add(c.field()));
    SortedMap<String, String> base = new TreeMap<>(bases.getOrDefault(feature, new TreeMap<>()));
    base.keySet().removeIf(name -> !open.contains(name) && !snapshot.containsKey(name));
    snapshot.forEach(
        (name, value) -> {
          if (!open.contains(name) && value != null) {
            base.put(name, value);
          }
        });
    bases.put(feature, base);
    save();
  }

  /** The open conflicts, oldest first. */
  public synchronized List<FieldConflict> conflicts() {
    return List.copyOf(conflicts);
  }

  /**
   * Resolves a conflict with the chosen value (null = absent), which becomes the field's base.
   *
   * @return whether there was an open conflict for that field
   */
  public synchronized boolean resolve(CardId feature, String field, String chosen) {
    boolean removed =
        conflicts.removeIf(c -> c.feature().equals(feature) && c.field().equals(field));
    SortedMap<String, String> base = bases.computeIfAbsent(feature, f -> new TreeMap<>());
    if (chosen == null) {
      base.remove(field);
    } else {
      base.put(field, chosen);
    }
    save();
    return removed;
  }

  private void save() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode basesNode = root.putObject("bases");
    bases.forEach(
        (feature, values) -> {
          ObjectNode node = basesNode.putObject(feature.value());
          values.forEach(node::put);
        });
    ArrayNode list = root.putArray("conflicts");
    for (FieldConflict c : conflicts) {
      ObjectNode node = list.addObject();
      node.put("feature", c.feature().value());
      node.put("field", c.field());
      node.put("base", c.base());
      node.put("local", c.local());
      node.put("remote", c.remote());
      node.put("at", c.at().toString());
    }
    AtomicFiles.write(file, Json.pretty(root));
  }

  @Override
  public String toString() {
    return "ConflictLedger[" + file + "]";
  }
}
