package dev.backlog.mcp.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.Explanation;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import dev.backlog.json.JsonContract;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The card tools: create_cards, show_card, list_cards, stats. Thread-safe. */
final class CardCalls {

  /** The most cards one create_cards call takes. */
  static final int MAX_CARDS_PER_CALL = 1_000;

  /** How many of a card's events show_card returns, the latest. */
  static final int LAST_EVENTS = 10;

  /** list_cards' limit when none is given. */
  static final int DEFAULT_LIST_LIMIT = 50;

  /** The most cards list_cards returns. */
  static final int MAX_LIST_LIMIT = 1_000;

  /** How many ids a summary line names before it says "and N more". */
  private static final int SUMMARY_IDS = 20;

  private final Backlog backlog;

  CardCalls(Backlog backlog) {
    this.backlog = backlog;
  }

  CallToolResult createCards(Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.CREATE_CARDS, arguments, Set.of("cards"));
    List<?> items =
        args.array("cards")
            .orElseThrow(
                () -> Refusal.invalid("create_cards needs the argument cards; it is missing"));
    if (items.isEmpty() || items.size() > MAX_CARDS_PER_CALL) {
      throw Refusal.invalid(
          "create_cards: cards has "
              + items.size()
              + " entries; give 1 to "
              + MAX_CARDS_PER_CALL
              + " cards per call");
    }
    List<NewCard> cards = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<CardId> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String where = "cards[" + i + "]";
      try {
        NewCard card = newCard(Args.nested(where, items.get(i), ToolCatalog.CARD_FIELDS));
        if (!seen.add(card.id())) {
          problems.add(where + ": id " + card.id() + " appears more than once in this call");
        }
        cards.add(card);
      } catch (Refusal e) {
        problems.add(
            e.getMessage().startsWith(where + ":")
                ? e.getMessage()
                : where + ": " + e.getMessage());
      } catch (BacklogException e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw Refusal.invalid(
          "create_cards refused, nothing was created: "
              + String.join("; ", problems)
              + "; fix these and call again");
    }
    List<Card> created;
    try {
      created = backlog.inTransaction(tx -> cards.stream().map(tx::create).toList());
    } catch (BacklogException e) {
      throw new BacklogException(
          e.code(), "create_cards refused, nothing was created: " + e.getMessage(), e);
    }
    return Replies.ok(
        "created "
            + created.size()
            + (created.size() == 1 ? " card: " : " cards: ")
            + ids(created.stream().map(Card::id).toList()),
        LeaseCalls.wrap("cards", JsonContract.cards(created)));
  }

  private static NewCard newCard(Args card) {
    NewCard.Builder b = NewCard.builder(card.id("id")).title(card.requiredString("title"));
    card.string("body").ifPresent(b::body);
    card.string("phase").ifPresent(b::phase);
    Optional<Long> priority = card.integer("priority");
    if (priority.isPresent()) {
      long p = priority.get();
      if (p < Integer.MIN_VALUE || p > Integer.MAX_VALUE) {
        throw Refusal.invalid("priority " + p + " is out of range for a 32-bit integer");
      }
      b.priority((int) p);
    }
    card.strings("dependsOn").ifPresent(b::dependsOn);
    card.arrayOrObject("acceptance").ifPresent(b::acceptance);
    card.string("idempotencyKey").ifPresent(b::idempotencyKey);
    return b.build();
  }

  CallToolResult showCard(Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.SHOW_CARD, arguments, Set.of("id"));
    CardId id = args.id("id");
    Shown shown =
        backlog.inTransaction(
            tx -> {
              Card card = tx.find(id).orElseThrow(() -> new CardNotFoundException(id));
              List<Event> events = tx.events(new EventQuery(0, id, EventQuery.MAX_LIMIT));
              List<Event> last =
                  events.subList(Math.max(0, events.size() - LAST_EVENTS), events.size());
              List<Optional<Card>> deps = card.dependsOn().stream().map(tx::find).toList();
              Explanation why = tx.explain(id);
              String rendered =
                  JsonContract.render(
                      g -> {
                        g.writeStartObject();
                        g.writeFieldName("card");
                        g.writeRawValue(JsonContract.card(card));
                        g.writeArrayFieldStart("dependencies");
                        int i = 0;
                        for (CardId dep : card.dependsOn()) {
                          g.writeStartObject();
                          g.writeStringField("id", dep.value());
                          Optional<Card> found = deps.get(i++);
                          g.writeStringField(
                              "status", found.map(c -> c.status().wireName()).orElse(null));
                          g.writeEndObject();
                        }
                        g.writeEndArray();
                        g.writeFieldName("explanation");
                        g.writeRawValue(JsonContract.explanation(why));
                        g.writeFieldName("events");
                        g.writeRawValue(JsonContract.events(last));
                        g.writeEndObject();
                      });
              return new Shown(rendered, claimability(why));
            });
    Map<String, Object> object = Replies.object(shown.json());
    @SuppressWarnings("unchecked")
    Map<String, Object> card = (Map<String, Object>) object.get("card");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> deps = (List<Map<String, Object>>) object.get("dependencies");
    String depText =
        deps.isEmpty()
            ? "no dependencies"
            : "depends on "
                + deps.stream()
                    .map(d -> d.get("id") + " (" + d.get("status") + ")")
                    .collect(Collectors.joining(", "));
    return Replies.ok(
        id + " \"" + card.get("title") + "\": " + card.get("status") + ", " + depText + shown.why(),
        shown.json());
  }

  /** {@code show_card}'s answer and the end of its text. */
  private record Shown(String json, String why) {}

  /**
   * What {@code show_card}'s text adds to the status: the place in the claim order of a claimable
   * card, what a ready or blocked card waits for, who holds a claimed one; nothing for a done card.
   */
  private static String claimability(Explanation why) {
    String summary = why.summary(Set.of("done"));
    return summary.isEmpty() ? "" : "; " + summary;
  }

  CallToolResult listCards(Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.LIST_CARDS, arguments, Set.of("status", "phase", "limit"));
    CardStatus status = args.string("status").map(CardCalls::status).orElse(null);
    String phase = args.string("phase").orElse(null);
    long limit = args.integer("limit").orElse((long) DEFAULT_LIST_LIMIT);
    if (limit < 1 || limit > MAX_LIST_LIMIT) {
      throw Refusal.invalid(
          "list_cards: limit " + limit + " is out of range; use 1 to " + MAX_LIST_LIMIT);
    }
    List<Card> cards = backlog.list(new CardQuery(status, phase, false, (int) limit));
    return Replies.ok(
        cards.size()
            + (cards.size() == 1 ? " card" : " cards")
            + (cards.isEmpty()
                ? ""
                : ": "
                    + cards.stream()
                        .limit(SUMMARY_IDS)
                        .map(c -> c.id() + " (" + c.status().wireName() + ")")
                        .collect(Collectors.joining(", "))
                    + (cards.size() > SUMMARY_IDS
                        ? " and " + (cards.size() - SUMMARY_IDS) + " more"
                        : "")),
        LeaseCalls.wrap("cards", JsonContract.cards(cards)));
  }

  private static CardStatus status(String text) {
    try {
      return CardStatus.fromWireName(text);
    } catch (RuntimeException e) {
      throw Refusal.invalid(
          "list_cards: status '" + text + "' is not a status; use ready, claimed, done or blocked");
    }
  }

  CallToolResult stats(Map<String, Object> arguments) {
    Args.of(ToolCatalog.STATS, arguments, Set.of());
    Stats s = backlog.stats();
    return Replies.ok(summary(s), JsonContract.stats(s));
  }

  /** One line about the stats. */
  static String summary(Stats s) {
    return s.total()
        + " cards: "
        + count(s, CardStatus.READY)
        + " ready ("
        + s.claimable()
        + " claimable), "
        + count(s, CardStatus.CLAIMED)
        + " claimed, "
        + count(s, CardStatus.DONE)
        + " done, "
        + count(s, CardStatus.BLOCKED)
        + " blocked";
  }

  private static long count(Stats s, CardStatus status) {
    return s.count(status);
  }

  private static String ids(List<CardId> ids) {
    return ids.stream().limit(SUMMARY_IDS).map(CardId::value).collect(Collectors.joining(", "))
        + (ids.size() > SUMMARY_IDS ? " and " + (ids.size() - SUMMARY_IDS) + " more" : "");
  }
}
