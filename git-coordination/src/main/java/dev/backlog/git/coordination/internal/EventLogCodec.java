package dev.backlog.git.coordination.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.BacklogException;
import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import dev.backlog.git.coordination.CardState;
import dev.backlog.git.coordination.CoordinationEvent;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import dev.backlog.git.coordination.MissionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and writes event-log lines and {@code status.json}, byte for byte deterministic.
 * Thread-safe.
 */
public final class EventLogCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EventLogCodec() {}

  /** One JSON line (without the newline) for an event, fields in a fixed order. */
  public static String line(CoordinationEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", e.id());
    n.put("clock", e.clock());
    n.put("card", e.card().value());
    n.put("type", e.type());
    n.put("actor", e.actor());
    n.put("at", e.at().toString());
    e.lease().ifPresent(l -> n.put("lease", l.value()));
    n.put("tx", e.transaction());
    ObjectNode data = n.putObject("data");
    new TreeMap<>(e.data()).forEach(data::put);
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("an event could not be written as JSON", ex);
    }
  }

  /** Parses one line. */
  public static CoordinationEvent parseLine(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      Map<String, String> data = new LinkedHashMap<>();
      JsonNode d = n.path("data");
      for (Map.Entry<String, JsonNode> f : d.properties()) {
        data.put(f.getKey(), f.getValue().asText());
      }
      Optional<LeaseToken> lease =
          n.hasNonNull("lease")
              ? Optional.of(LeaseToken.of(n.get("lease").asLong()))
              : Optional.empty();
      return new CoordinationEvent(
          text(n, "id"),
          n.path("clock").asLong(),
          CardId.of(text(n, "card")),
          text(n, "type"),
          text(n, "actor"),
          Instant.parse(text(n, "at")),
          lease,
          text(n, "tx"),
          data);
    } catch (JsonProcessingException
        | IllegalArgumentException
        | java.time.DateTimeException
        | BacklogException e) {
      throw new GitCoordinationException(
          GitErrorCode.CORRUPT_STATE,
          "event log line is not a valid event ("
              + e.getMessage()
              + "): "
              + abbreviate(line)
              + "; repair or remove the line and commit the log",
          e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
    }
    return v.asText();
  }

  /** Parses a whole log; blank lines are skipped. */
  public static List<CoordinationEvent> parse(byte[] log) {
    List<CoordinationEvent> out = new ArrayList<>();
    for (String line : new String(log, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        out.add(parseLine(line.strip()));
      }
    }
    return out;
  }

  /**
   * The union of logs by event id, ordered by clock then id, one line per event, as bytes ending in
   * a newline (empty when there are no events).
   */
  public static byte[] union(List<List<CoordinationEvent>> logs) {
    Map<String, CoordinationEvent> byId = new LinkedHashMap<>();
    for (List<CoordinationEvent> log : logs) {
      for (CoordinationEvent e : log) {
        byId.putIfAbsent(e.id(), e);
      }
    }
    List<CoordinationEvent> all = new ArrayList<>(byId.values());
    all.sort(CoordinationEvent.ORDER);
    StringBuilder sb = new StringBuilder();
    for (CoordinationEvent e : all) {
      sb.append(line(e)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code status.json}: pretty-printed with sorted keys and {@code \n} line ends, ending in a
   * newline.
   */
  public static byte[] render(MissionStatus s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("mission", s.mission());
    root.put("clock", s.clock());
    root.put("events", s.events());
    ObjectNode cards = root.putObject("cards");
    for (Map.Entry<String, CardState> c : s.cards().entrySet()) {
      CardState st = c.getValue();
      ObjectNode n = cards.putObject(c.getKey());
      n.put("state", st.state());
      n.put("clock", st.clock());
      n.put("lastEvent", st.lastEvent());
      n.put("actor", st.actor());
      n.put("at", st.at().toString());
      if (st.lease().isPresent()) {
        n.put("lease", st.lease().get());
      } else {
        n.putNull("lease");
      }
      n.put("events", st.events());
    }
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return (JSON.writer(printer).writeValueAsString(root) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be written as JSON", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
