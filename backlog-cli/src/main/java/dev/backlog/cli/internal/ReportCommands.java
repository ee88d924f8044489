package dev.backlog.cli.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.Stats;
import dev.backlog.json.JsonContract;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The read-only reports: stats, graph and events. */
final class ReportCommands {

  private ReportCommands() {}

  /** {@code stats}: counts the backlog. */
  @Command(
      name = "stats",
      description =
          "Counts per status and phase, claimable cards, oldest claimable age, expired leases.")
  static final class StatsCommand extends BacklogCommand {
    @Override
    int run(Context ctx) {
      Stats stats = ctx.briefBacklog().stats();
      ctx.emit(() -> JsonContract.stats(stats), () -> Human.stats(stats));
      return 0;
    }
  }

  /** The diagram languages {@code graph} speaks. */
  enum Format {
    mermaid,
    dot;

    /** Reads {@code --format}, in any case, saying which formats there are when it is none. */
    static final class Converter implements CommandLine.ITypeConverter<Format> {
      @Override
      public Format convert(String value) {
        for (Format f : values()) {
          if (f.name().equalsIgnoreCase(value.strip())) {
            return f;
          }
        }
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a format; use mermaid or dot");
      }
    }
  }

  /** {@code graph}: renders the dependency DAG. */
  @Command(
      name = "graph",
      description = {
        "Render the dependency DAG with status colours.",
        "Arrows point from a card to the cards waiting for it. With --json: {\"nodes\":[...],\"edges\":[...]}."
      })
  static final class Graph extends BacklogCommand {
    @Option(
        names = "--format",
        paramLabel = "F",
        defaultValue = "mermaid",
        converter = Format.Converter.class,
        description = "mermaid or dot (default ${DEFAULT-VALUE}).")
    Format format;

    @Override
    int run(Context ctx) {
      List<Card> cards =
          ctx.briefBacklog().list(CardQuery.ALL).stream()
              .sorted(java.util.Comparator.comparing(Card::id))
              .toList();
      ctx.emit(() -> json(cards), () -> format == Format.dot ? dot(cards) : mermaid(cards));
      return 0;
    }

    static String json(List<Card> cards) {
      return JsonContract.graph(cards);
    }

    static String mermaid(List<Card> cards) {
      Map<CardId, String> node = new HashMap<>();
      StringBuilder sb = new StringBuilder("flowchart TD\n");
      for (Card c : cards) {
        String n = "n" + node.size();
        node.put(c.id(), n);
        String label = (c.id() + ": " + c.title()).replace("\"", "#quot;");
        sb.append("  ")
            .append(n)
            .append("[\"")
            .append(label)
            .append("\"]:::")
            .append(c.status().wireName())
            .append('\n');
      }
      for (Card c : cards) {
        for (CardId dep : c.dependsOn()) {
          String from = node.get(dep);
          if (from != null) {
            sb.append("  ").append(from).append(" --> ").append(node.get(c.id())).append('\n');
          }
        }
      }
      for (CardStatus status : CardStatus.values()) {
        sb.append("  classDef ")
            .append(status.wireName())
            .append(" fill:")
            .append(fill(status))
            .append(",stroke:")
            .append(stroke(status))
            .append('\n');
      }
      return sb.toString().stripTrailing();
    }

    static String dot(List<Card> cards) {
      StringBuilder sb = new StringBuilder("digraph backlog {\n  rankdir=LR;\n");
      sb.append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
      for (Card c : cards) {
        sb.append("  ")
            .append(quote(c.id().value()))
            .append(" [label=")
            .append(quote(c.id() + "\n" + c.title() + "\n(" + c.status().wireName() + ")"))
            .append(", fillcolor=")
            .append(quote(fill(c.status())))
            .append(", color=")
            .append(quote(stroke(c.status())))
            .append("];\n");
      }
      for (Card c : cards) {
        for (CardId dep : c.dependsOn()) {
          sb.append("  ")
              .append(quote(dep.value()))
              .append(" -> ")
              .append(quote(c.id().value()))
              .append(";\n");
        }
      }
      return sb.append('}').toString();
    }

    private static String quote(String text) {
      return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static String fill(CardStatus status) {
      return switch (status) {
        case READY -> "#cfe2ff";
        case CLAIMED -> "#fff3cd";
        case BLOCKED -> "#f8d7da";
        case DONE -> "#d1e7dd";
      };
    }

    private static String stroke(CardStatus status) {
      return switch (status) {
        case READY -> "#084298";
        case CLAIMED -> "#997404";
        case BLOCKED -> "#842029";
        case DONE -> "#0f5132";
      };
    }
  }

  /** {@code events}: reads or tails the event stream. */
  @Command(
      name = "events",
      description = {
        "Print events in seq order.",
        "With --follow, keeps polling for new events until interrupted (with --json: one JSON object per line)."
      })
  static final class Events extends BacklogCommand {
    @Option(
        names = "--after",
        paramLabel = "SEQ",
        defaultValue = "0",
        description = "Only events after this seq (default 0).")
    long after;

    @Option(names = "--card", paramLabel = "ID", description = "Only this card's events.")
    String card;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "At most N events per page (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--follow", description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(
        names = "--poll-millis",
        paramLabel = "MS",
        defaultValue = "500",
        hidden = true,
        description = "How often --follow polls.")
    long pollMillis;

    @Override
    int run(Context ctx) {
      CardId cardId = card == null ? null : CardId.of(card);
      if (cardId != null) {
        // A mistyped id would otherwise print "(no events)", or follow a card that never comes.
        (follow ? ctx.backlog() : ctx.briefBacklog()).get(cardId);
      }
      if (!follow) {
        List<Event> events = ctx.briefBacklog().events(new EventQuery(after, cardId, limit));
        ctx.emit(() -> JsonContract.events(events), () -> Human.events(events));
        return 0;
      }
      long seq = after;
      while (!Thread.currentThread().isInterrupted()) {
        List<Event> page = ctx.backlog().events(new EventQuery(seq, cardId, limit));
        for (Event e : page) {
          ctx.out().println(ctx.json() ? JsonContract.event(e) : Human.event(e));
          seq = e.seq();
        }
        ctx.out().flush();
        if (page.size() < limit) {
          try {
            Thread.sleep(Math.max(10, pollMillis));
          } catch (InterruptedException e) {
            // Interrupted: the tail ends normally.
            Thread.currentThread().interrupt();
          }
        }
      }
      return 0;
    }
  }
}
