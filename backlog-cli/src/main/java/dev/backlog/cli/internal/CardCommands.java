package dev.backlog.cli.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.json.JsonContract;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that create, read and reshape cards. */
final class CardCommands {

  private CardCommands() {}

  /** {@code create}: creates a card. */
  @Command(name = "create", description = "Create a card (ready, or blocked with --blocked).")
  static final class Create extends BacklogCommand {
    @Option(
        names = "--id",
        required = true,
        paramLabel = "ID",
        description = "Card id: [A-Za-z0-9][A-Za-z0-9._:-]*.")
    String id;

    @Option(names = "--title", required = true, paramLabel = "T", description = "Short title.")
    String title;

    @Option(names = "--body", paramLabel = "B", description = "Description.")
    String body;

    @Option(names = "--phase", paramLabel = "P", description = "Board lane.")
    String phase;

    @Option(
        names = "--priority",
        paramLabel = "N",
        defaultValue = "0",
        description = "Higher is claimed sooner (default 0).")
    int priority;

    @Option(
        names = "--depends-on",
        paramLabel = "A,B",
        split = ",",
        description = "Cards this one waits for.")
    List<String> dependsOn = new ArrayList<>();

    @Option(
        names = "--acceptance",
        paramLabel = "JSON-or-;-list",
        description = "Acceptance criteria: a JSON array or object, or criteria separated by ';'.")
    String acceptance;

    @Option(
        names = "--idempotency-key",
        paramLabel = "K",
        description = "Makes retries safe: a repeat returns the card.")
    String idempotencyKey;

    @Option(
        names = "--max-attempts",
        paramLabel = "N",
        description = "Claims allowed before the card is blocked.")
    Integer maxAttempts;

    @Option(names = "--blocked", description = "Create the card blocked.")
    boolean blocked;

    @Option(
        names = "--reason",
        paramLabel = "R",
        description = "Why it starts blocked (with --blocked).")
    String reason;

    @Override
    int run(Context ctx) {
      if (reason != null && !blocked) {
        throw InvalidInputException.of(
            "reason",
            "--reason is only for cards created with --blocked;"
                + " add --blocked or drop --reason");
      }
      NewCard.Builder builder =
          NewCard.builder(id)
              .title(title)
              .body(body)
              .phase(phase)
              .priority(priority)
              .dependsOn(dependsOn.stream().map(String::trim).filter(s -> !s.isEmpty()).toList())
              .acceptance(Acceptance.toJson(acceptance))
              .idempotencyKey(idempotencyKey)
              .maxAttempts(maxAttempts);
      if (blocked) {
        builder.blocked(reason);
      }
      NewCard card = builder.build();
      Card created = ctx.briefBacklog().create(card);
      ctx.emit(() -> JsonContract.card(created), () -> "created " + Human.card(created));
      return 0;
    }
  }

  /** {@code show}: prints one card. */
  @Command(name = "show", description = "Show one card.")
  static final class Show extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Override
    int run(Context ctx) {
      Backlog backlog = ctx.briefBacklog();
      Card card = backlog.get(CardId.of(id));
      ctx.emit(
          () -> JsonContract.card(card),
          () -> Human.card(card) + Human.claimability(card, backlog::explain));
      return 0;
    }
  }

  /** {@code list}: lists cards in claim order. */
  @Command(name = "list", description = "List cards in claim order (priority, then age, then id).")
  static final class ListCards extends BacklogCommand {
    @Option(
        names = "--status",
        paramLabel = "S",
        description = "Only this status: ready, claimed, blocked or done.")
    String status;

    @Option(names = "--phase", paramLabel = "P", description = "Only this phase.")
    String phase;

    @Option(
        names = "--ready-only",
        description = "Only claimable cards: ready with every dependency done.")
    boolean readyOnly;

    @Option(names = "--limit", paramLabel = "N", description = "At most N cards.")
    Integer limit;

    @Override
    int run(Context ctx) {
      CardStatus wanted = status == null ? null : CardStatus.fromWireName(status);
      CardQuery query =
          new CardQuery(wanted, phase, readyOnly, limit == null ? CardQuery.MAX_LIMIT : limit);
      List<Card> cards = ctx.briefBacklog().list(query);
      ctx.emit(() -> JsonContract.cards(cards), () -> Human.cards(cards));
      return 0;
    }
  }

  /** {@code block}: sets a card aside. */
  @Command(name = "block", description = "Block a ready or claimed card (revokes its lease).")
  static final class Block extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Option(names = "--reason", paramLabel = "R", description = "Why.")
    String reason;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().block(CardId.of(id), reason);
      ctx.emit(() -> JsonContract.card(card), () -> "blocked " + Human.card(card));
      return 0;
    }
  }

  /** {@code unblock}: makes a blocked card ready. */
  @Command(name = "unblock", description = "Make a blocked card ready again.")
  static final class Unblock extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().unblock(CardId.of(id));
      ctx.emit(() -> JsonContract.card(card), () -> "unblocked " + Human.card(card));
      return 0;
    }
  }

  /** {@code reopen}: makes a done card ready. */
  @Command(
      name = "reopen",
      description = "Make a done card ready again; its dependents wait for it again.")
  static final class Reopen extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().reopen(CardId.of(id));
      ctx.emit(() -> JsonContract.card(card), () -> "reopened " + Human.card(card));
      return 0;
    }
  }

  /** {@code link}: adds a dependency. */
  @Command(
      name = "link",
      description = "Make --from depend on --to (refuses cycles; a repeat is a no-op).")
  static final class Link extends BacklogCommand {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "A",
        description = "The card that waits.")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "B",
        description = "The card it waits for.")
    String to;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().link(CardId.of(from), CardId.of(to));
      ctx.emit(() -> JsonContract.card(card), () -> "linked " + Human.card(card));
      return 0;
    }
  }

  /** {@code unlink}: removes a dependency. */
  @Command(
      name = "unlink",
      description = "Remove the dependency of --from on --to (a missing one is a no-op).")
  static final class Unlink extends BacklogCommand {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "A",
        description = "The card that waits.")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "B",
        description = "The card it waits for.")
    String to;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().unlink(CardId.of(from), CardId.of(to));
      ctx.emit(() -> JsonContract.card(card), () -> "unlinked " + Human.card(card));
      return 0;
    }
  }
}
