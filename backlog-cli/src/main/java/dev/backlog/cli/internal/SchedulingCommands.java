package dev.backlog.cli.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Explanation;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Run;
import dev.backlog.core.Waves;
import dev.backlog.json.JsonContract;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that show and steer scheduling: history, defer, undefer, explain, queue, waves and
 * update.
 */
final class SchedulingCommands {

  private SchedulingCommands() {}

  /** {@code history}: a card's runs (one per claim), oldest first. */
  @Command(name = "history", description = "Print a card's attempt history: one run per claim.")
  static final class History extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Override
    int run(Context ctx) {
      List<Run> runs = ctx.briefBacklog().history(CardId.of(id));
      ctx.emit(
          () -> JsonContract.runs(runs),
          () ->
              runs.isEmpty()
                  ? "no runs: " + id + " was never claimed"
                  : runs.stream().map(SchedulingCommands::run).collect(Collectors.joining("\n")));
      return 0;
    }
  }

  private static String run(Run r) {
    return "token "
        + r.token()
        + "  "
        + r.owner()
        + "  "
        + r.claimedAt()
        + " -> "
        + (r.endedAt() == null ? "(open)" : r.endedAt() + "  " + r.outcome().wireName())
        + (r.phase() == null ? "" : "  phase " + r.phase())
        + (r.reason() == null ? "" : "  reason: " + r.reason())
        + (r.evidence() == null ? "" : "  evidence " + r.evidence());
  }

  /** Either an instant or a duration. */
  static final class UntilOrFor {
    @Option(
        names = "--until",
        required = true,
        paramLabel = "INSTANT",
        description = "Deferred until this ISO-8601 UTC instant, e.g. 2026-12-07T10:00:00Z.")
    String until;

    @Option(
        names = "--for",
        required = true,
        paramLabel = "DURATION",
        description =
            "Deferred for this long from now: seconds (90), 90s, 30m, 2h, 1d or ISO-8601 (PT2H).")
    String duration;
  }

  /** {@code defer}: makes a ready card unclaimable until a time. */
  @Command(
      name = "defer",
      description = {
        "Make a ready card unclaimable until a time (the store clock decides).",
        "The sweep before claims lifts the deferral once its time has come."
      })
  static final class Defer extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    UntilOrFor when;

    @Override
    int run(Context ctx) {
      CardId card = CardId.of(id);
      Card deferred =
          when.until != null
              ? ctx.briefBacklog().defer(card, instant(when.until))
              : ctx.briefBacklog().deferFor(card, duration(when.duration));
      ctx.emit(
          () -> JsonContract.card(deferred),
          () -> "deferred " + deferred.id() + " until " + deferred.notBefore());
      return 0;
    }
  }

  /** An ISO-8601 instant from {@code --until}. */
  static Instant instant(String text) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw InvalidInputException.of(
          "until",
          "--until '"
              + text
              + "' is not an ISO-8601 UTC instant; give one such as 2026-12-07T10:00:00Z");
    }
  }

  /** A duration from {@code --for}, in any of the {@link Durations} forms. */
  static Duration duration(String text) {
    Duration d =
        Durations.parse(text)
            .orElseThrow(
                () ->
                    InvalidInputException.of(
                        "for", "--for '" + text + "' is not a duration; give " + Durations.FORMS));
    if (d.isNegative() || d.isZero()) {
      throw InvalidInputException.of(
          "for", "--for '" + text + "' is not positive; give a duration greater than zero");
    }
    return d;
  }

  /** {@code undefer}: lifts a deferral now. */
  @Command(name = "undefer", description = "Lift a card's deferral now.")
  static final class Undefer extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().undefer(CardId.of(id));
      ctx.emit(() -> JsonContract.card(card), () -> "undeferred " + Human.card(card));
      return 0;
    }
  }

  /** {@code explain}: why a card is or is not claimable. */
  @Command(
      name = "explain",
      description = "Say why a card is or is not claimable, and its rank in claim order.")
  static final class Explain extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Override
    int run(Context ctx) {
      Explanation e = ctx.briefBacklog().explain(CardId.of(id));
      ctx.emit(() -> JsonContract.explanation(e), () -> human(e));
      return 0;
    }

    private static String human(Explanation e) {
      if (e.claimable()) {
        return e.id()
            + " is claimable, rank "
            + e.rank()
            + " (priority "
            + e.priority()
            + ", created "
            + e.createdAt()
            + ")";
      }
      StringBuilder sb = new StringBuilder(e.id() + " is not claimable:");
      for (Explanation.Reason r : e.reasons()) {
        sb.append("\n  ").append(r.text());
      }
      return sb.toString();
    }
  }

  /** {@code queue}: the claimable cards in claim order. */
  @Command(name = "queue", description = "List the claimable cards in the order claims take them.")
  static final class Queue extends BacklogCommand {
    @Option(names = "--phase", paramLabel = "P", description = "Only cards of this phase.")
    String phase;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "At most N cards (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    int run(Context ctx) {
      List<Card> cards = ctx.briefBacklog().queue(phase, limit);
      ctx.emit(() -> JsonContract.cards(cards), () -> Human.cards(cards));
      return 0;
    }
  }

  /** {@code waves}: the parallelism of the plan. */
  @Command(
      name = "waves",
      description =
          "Group the cards not yet done into waves that can run in parallel, with the critical"
              + " path.")
  static final class WavesCommand extends BacklogCommand {
    @Option(names = "--phase", paramLabel = "P", description = "Only show cards of this phase.")
    String phase;

    @Override
    int run(Context ctx) {
      Waves w = ctx.briefBacklog().waves(phase);
      ctx.emit(
          () -> JsonContract.waves(w),
          () -> {
            if (w.waves().isEmpty()) {
              return "no card left to do" + (phase == null ? "" : " in phase " + phase);
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.waves().size(); i++) {
              sb.append("wave ").append(i + 1).append(": ").append(Human.ids(w.waves().get(i)));
              sb.append('\n');
            }
            sb.append("max parallelism: ").append(w.maxParallelism()).append('\n');
            sb.append("critical path: ").append(Human.ids(w.criticalPath()));
            return sb.toString();
          });
      return 0;
    }
  }

  /** {@code update}: edits descriptive fields. */
  @Command(
      name = "update",
      description = {
        "Edit a card's descriptive fields (status, lease and dependencies have their own commands).",
        "An empty --body, --phase or --acceptance clears it; --max-attempts 0 restores the default."
      })
  static final class Update extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Option(names = "--title", paramLabel = "T", description = "New title.")
    String title;

    @Option(names = "--body", paramLabel = "B", description = "New body.")
    String body;

    @Option(names = "--phase", paramLabel = "P", description = "New phase (board lane).")
    String phase;

    @Option(names = "--priority", paramLabel = "N", description = "New priority.")
    Integer priority;

    @Option(
        names = "--acceptance",
        paramLabel = "JSON-or-list",
        description = "New acceptance criteria: a JSON array or object, or criteria split by ';'.")
    String acceptance;

    @Option(
        names = "--max-attempts",
        paramLabel = "N",
        description = "New attempt limit (0: the backlog default).")
    Integer maxAttempts;

    @Option(
        names = "--if-version",
        paramLabel = "V",
        description = "Refuse (exit 4) unless the card is still at this version.")
    Long ifVersion;

    @Override
    int run(Context ctx) {
      CardUpdate.Builder update = CardUpdate.builder();
      if (title != null) {
        update.title(title);
      }
      if (body != null) {
        update.body(body);
      }
      if (phase != null) {
        update.phase(phase);
      }
      if (priority != null) {
        update.priority(priority);
      }
      if (acceptance != null) {
        update.acceptance(acceptance.isBlank() ? null : Acceptance.toJson(acceptance));
      }
      if (maxAttempts != null) {
        update.maxAttempts(maxAttempts == 0 ? null : maxAttempts);
      }
      CardUpdate built = update.build();
      if (built.isEmpty()) {
        throw InvalidInputException.of(
            "update",
            "nothing to update; give at least one of --title, --body, --phase, --priority,"
                + " --acceptance or --max-attempts");
      }
      Card card = ctx.briefBacklog().update(CardId.of(id), built, ifVersion);
      ctx.emit(() -> JsonContract.card(card), () -> "updated " + Human.card(card));
      return 0;
    }
  }
}
