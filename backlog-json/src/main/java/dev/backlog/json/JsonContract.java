package dev.backlog.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;
import dev.backlog.core.Event;
import dev.backlog.core.Explanation;
import dev.backlog.core.Lease;
import dev.backlog.core.Run;
import dev.backlog.core.Stats;
import dev.backlog.core.Waves;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Renders cards, events and stats as the JSON contract shared by the CLI, the HTTP server and the
 * MCP tools (compact, one value, ISO-8601 UTC timestamps). Uses the streaming generator only, which
 * keeps start-up cheap.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonContract {

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private JsonContract() {}

  /** Writes one JSON value. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the value to the generator. */
    void write(JsonGenerator g) throws IOException;
  }

  /** Renders a value written by {@code writer} as compact JSON text. */
  public static String render(Writer writer) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A card as the contract's object. */
  public static String card(Card card) {
    return render(g -> writeCard(g, card));
  }

  /** A card or {@code null}. */
  public static String cardOrNull(Card card) {
    return card == null ? "null" : card(card);
  }

  /** An array of cards. */
  public static String cards(Collection<Card> cards) {
    return render(
        g -> {
          g.writeStartArray();
          for (Card card : cards) {
            writeCard(g, card);
          }
          g.writeEndArray();
        });
  }

  /** Writes the contract's card object. */
  public static void writeCard(JsonGenerator g, Card c) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", c.id().value());
    g.writeStringField("title", c.title());
    g.writeStringField("body", c.body());
    g.writeStringField("phase", c.phase());
    g.writeNumberField("priority", c.priority());
    g.writeStringField("status", c.status().wireName());
    g.writeArrayFieldStart("dependsOn");
    for (CardId dep : c.dependsOn()) {
      g.writeString(dep.value());
    }
    g.writeEndArray();
    g.writeFieldName("acceptance");
    if (c.acceptance() == null) {
      g.writeNull();
    } else {
      // The core keeps acceptance as validated, compact JSON text: embed the value itself.
      g.writeRawValue(c.acceptance());
    }
    g.writeStringField("idempotencyKey", c.idempotencyKey());
    g.writeNumberField("attempts", c.attempts());
    g.writeFieldName("maxAttempts");
    if (c.maxAttempts() == null) {
      g.writeNull();
    } else {
      g.writeNumber(c.maxAttempts());
    }
    g.writeStringField("blockedReason", c.blockedReason());
    g.writeFieldName("lease");
    writeLease(g, c.lease());
    g.writeStringField("createdAt", time(c.createdAt()));
    g.writeStringField("updatedAt", time(c.updatedAt()));
    g.writeNumberField("version", c.version());
    g.writeStringField("notBefore", time(c.notBefore()));
    g.writeEndObject();
  }

  private static void writeLease(JsonGenerator g, Lease lease) throws IOException {
    if (lease == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("owner", lease.owner());
    g.writeNumberField("token", lease.token().value());
    g.writeStringField("claimedAt", time(lease.claimedAt()));
    g.writeStringField("expiresAt", time(lease.expiresAt()));
    g.writeStringField("phase", lease.phase());
    writeAttributes(g, lease.attributes());
    g.writeEndObject();
  }

  private static void writeAttributes(JsonGenerator g, Map<String, String> attributes)
      throws IOException {
    g.writeObjectFieldStart("attributes");
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      g.writeStringField(a.getKey(), a.getValue());
    }
    g.writeEndObject();
  }

  /**
   * A card's attempt history: an array of runs, oldest first, each {@code
   * {owner,token,claimedAt,endedAt,outcome,reason,phase,attributes,evidence}} (endedAt and outcome
   * null while the run is open).
   */
  public static String runs(List<Run> runs) {
    return render(
        g -> {
          g.writeStartArray();
          for (Run r : runs) {
            g.writeStartObject();
            g.writeStringField("card", r.card().value());
            g.writeStringField("owner", r.owner());
            g.writeNumberField("token", r.token().value());
            g.writeStringField("claimedAt", time(r.claimedAt()));
            g.writeStringField("endedAt", time(r.endedAt()));
            g.writeStringField("outcome", r.outcome() == null ? null : r.outcome().wireName());
            g.writeStringField("reason", r.reason());
            g.writeStringField("phase", r.phase());
            writeAttributes(g, r.attributes());
            g.writeFieldName("evidence");
            if (r.evidence() == null) {
              g.writeNull();
            } else {
              g.writeRawValue(r.evidence());
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  /**
   * Why a card is or is not claimable: {@code {"id","claimable","reasons":[{kind,…}],"rank",
   * "ordering":{"priority","createdAt","id"}}}; each reason has {@code kind} and only the fields
   * that kind uses ({@code card} and {@code status}; {@code reason}; {@code owner} and {@code
   * expiresAt}; {@code until}; {@code attempts} and {@code maxAttempts}).
   */
  public static String explanation(Explanation e) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeStringField("id", e.id().value());
          g.writeBooleanField("claimable", e.claimable());
          g.writeArrayFieldStart("reasons");
          for (Explanation.Reason r : e.reasons()) {
            g.writeStartObject();
            g.writeStringField("kind", r.kind());
            switch (r.kind()) {
              case "unmet-dependency" -> {
                g.writeStringField("card", r.card().value());
                g.writeStringField("status", r.status() == null ? null : r.status().wireName());
              }
              case "blocked" -> g.writeStringField("reason", r.detail());
              case "leased" -> {
                g.writeStringField("owner", r.detail());
                g.writeStringField("expiresAt", time(r.until()));
              }
              case "deferred" -> g.writeStringField("until", time(r.until()));
              case "attempts-exhausted" -> {
                g.writeNumberField("attempts", r.attempts());
                g.writeNumberField("maxAttempts", r.maxAttempts());
              }
              default -> {}
            }
            g.writeStringField("text", r.text());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeFieldName("rank");
          if (e.rank() == null) {
            g.writeNull();
          } else {
            g.writeNumber(e.rank());
          }
          g.writeObjectFieldStart("ordering");
          g.writeNumberField("priority", e.priority());
          g.writeStringField("createdAt", time(e.createdAt()));
          g.writeStringField("id", e.id().value());
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** {@code {"waves":[[ids…],…],"maxParallelism":n,"criticalPath":[ids…]}}. */
  public static String waves(Waves w) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("waves");
          for (List<CardId> wave : w.waves()) {
            g.writeStartArray();
            for (CardId id : wave) {
              g.writeString(id.value());
            }
            g.writeEndArray();
          }
          g.writeEndArray();
          g.writeNumberField("maxParallelism", w.maxParallelism());
          g.writeArrayFieldStart("criticalPath");
          for (CardId id : w.criticalPath()) {
            g.writeString(id.value());
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** An event as the contract's object. */
  public static String event(Event event) {
    return render(g -> writeEvent(g, event));
  }

  /** An array of events. */
  public static String events(List<Event> events) {
    return render(
        g -> {
          g.writeStartArray();
          for (Event e : events) {
            writeEvent(g, e);
          }
          g.writeEndArray();
        });
  }

  private static void writeEvent(JsonGenerator g, Event e) throws IOException {
    g.writeStartObject();
    g.writeNumberField("seq", e.seq());
    g.writeStringField("cardId", e.cardId().value());
    g.writeStringField("type", e.type().wireName());
    g.writeStringField("actor", e.actor());
    g.writeStringField("at", time(e.at()));
    g.writeFieldName("leaseToken");
    if (e.leaseToken() == null) {
      g.writeNull();
    } else {
      g.writeNumber(e.leaseToken().value());
    }
    g.writeFieldName("data");
    g.writeRawValue(e.data());
    g.writeEndObject();
  }

  /** Stats as the contract's object. */
  public static String stats(Stats s) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeFieldName("counts");
          writeCounts(g, s.counts());
          g.writeNumberField("total", s.total());
          g.writeNumberField("claimable", s.claimable());
          g.writeFieldName("oldestClaimableAgeSeconds");
          if (s.oldestClaimableAge() == null) {
            g.writeNull();
          } else {
            g.writeNumber(s.oldestClaimableAge().toSeconds());
          }
          g.writeNumberField("expiredLeaseCount", s.expiredLeaseCount());
          g.writeObjectFieldStart("byPhase");
          for (Map.Entry<String, Map<CardStatus, Long>> phase : s.byPhase().entrySet()) {
            g.writeFieldName(phase.getKey());
            writeCounts(g, phase.getValue());
          }
          g.writeEndObject();
          g.writeNumberField("deferred", s.deferred());
          g.writeObjectFieldStart("byLeasePhase");
          for (Map.Entry<String, Long> phase : s.byLeasePhase().entrySet()) {
            g.writeNumberField(phase.getKey(), phase.getValue());
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private static void writeCounts(JsonGenerator g, Map<CardStatus, Long> counts)
      throws IOException {
    g.writeStartObject();
    for (CardStatus status : CardStatus.values()) {
      g.writeNumberField(status.wireName(), counts.getOrDefault(status, 0L));
    }
    g.writeEndObject();
  }

  /**
   * The dependency DAG as {@code {"nodes":[{id,title,status,phase}],"edges":[{from,to}]}}, where an
   * edge runs from a card to one of its dependencies. Cards are written in the given order.
   */
  public static String graph(Collection<Card> cards) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("nodes");
          for (Card c : cards) {
            g.writeStartObject();
            g.writeStringField("id", c.id().value());
            g.writeStringField("title", c.title());
            g.writeStringField("status", c.status().wireName());
            g.writeStringField("phase", c.phase());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeArrayFieldStart("edges");
          for (Card c : cards) {
            for (CardId dep : c.dependsOn()) {
              g.writeStartObject();
              g.writeStringField("from", c.id().value());
              g.writeStringField("to", dep.value());
              g.writeEndObject();
            }
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** An array of ids under one field, such as {@code {"reclaimed": [...]}}. */
  public static String idList(String field, Collection<CardId> ids) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart(field);
          for (CardId id : ids) {
            g.writeString(id.value());
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * The error object of every host, {@code {"error":{"code","category","message"}}}: the code's
   * name, its category in lower case (as {@link #category} writes it) and the message. The CLI's
   * {@code --json} errors and the HTTP server's answers are both this object.
   */
  public static String error(ErrorCode code, String message) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("code", code.name());
          g.writeStringField("category", category(code.category()));
          g.writeStringField("message", message);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** A category as the error object names it: {@code invalid_input}, {@code refused}, … */
  public static String category(ErrorCategory category) {
    return category.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** An ISO-8601 UTC timestamp, or null. */
  public static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
