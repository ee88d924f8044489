package dev.backlog.cli.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NothingClaimable;
import dev.backlog.json.JsonContract;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands of a worker's lease: claim, renew, complete, release, fail, and reclaim. */
final class LeaseCommands {

  /** The lease length when none is given, in seconds. */
  static final long DEFAULT_TTL_SECONDS = 900;

  private LeaseCommands() {}

  /** {@code claim}: claims the best claimable card(s). */
  @Command(
      name = "claim",
      description = {
        "Claim the best claimable card under a lease.",
        "Prints the card with its lease token, or null (exit 0) when nothing is claimable;"
            + " with --limit above 1, an array."
      })
  static final class ClaimCards extends BacklogCommand {
    @Option(
        names = "--owner",
        required = true,
        paramLabel = "O",
        description = "The worker claiming.")
    String owner;

    @Option(
        names = "--ttl",
        paramLabel = "SEC",
        defaultValue = "900",
        converter = SecondsConverter.class,
        description = "Lease length: seconds, or 90s, 30m, 2h, 1d (default ${DEFAULT-VALUE}).")
    long ttl;

    @Option(names = "--id", paramLabel = "ID", description = "Claim only this card.")
    String id;

    @Option(names = "--phase", paramLabel = "P", description = "Claim only from this phase.")
    String phase;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1",
        description = "Claim up to N cards (default 1).")
    int limit;

    @Option(
        names = "--wait",
        paramLabel = "SEC",
        defaultValue = "0",
        converter = SecondsConverter.class,
        description =
            "Wait up to SEC seconds (or 30s, 5m) for claimable work (default 0: do not wait).")
    long waitSeconds;

    @Option(
        names = "--lease-phase",
        paramLabel = "P",
        description = "What the worker starts doing (e.g. implementing; at most 64 characters).")
    String leasePhase;

    @Option(
        names = "--attr",
        paramLabel = "K=V",
        description =
            "A lease attribute such as branch=feat/x (repeatable; at most 16, key 64 and value 256"
                + " characters).")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Override
    int run(Context ctx) {
      ClaimRequest request =
          ClaimRequest.builder(owner)
              .ttl(Duration.ofSeconds(ttl))
              .phase(phase)
              .card(id == null ? null : CardId.of(id))
              .limit(limit)
              .maxWait(Duration.ofSeconds(waitSeconds))
              .leasePhase(leasePhase)
              .attributes(attributes == null ? Map.of() : attributes)
              .build();
      // A claim that waits for work shares the file; one that does not is brief.
      Backlog backlog = waitSeconds > 0 ? ctx.backlog() : ctx.briefBacklog();
      List<Claim> claims = backlog.claim(request);
      List<Card> cards = claims.stream().map(Claim::card).toList();
      if (limit > 1) {
        ctx.emit(
            () -> JsonContract.cards(cards),
            () ->
                cards.isEmpty()
                    ? NothingClaimable.describe(backlog, request)
                    : cards.stream().map(Human::claimed).collect(Collectors.joining("\n")));
      } else {
        Card card = cards.isEmpty() ? null : cards.get(0);
        ctx.emit(
            () -> JsonContract.cardOrNull(card),
            () -> card == null ? NothingClaimable.describe(backlog, request) : Human.claimed(card));
      }
      return 0;
    }
  }

  /** {@code renew}: extends a lease (the heartbeat). */
  @Command(name = "renew", description = "Extend a lease to now + TTL (the heartbeat).")
  static final class Renew extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Option(
        names = "--token",
        required = true,
        paramLabel = "T",
        description = "The lease token from claim.")
    long token;

    @Option(
        names = "--ttl",
        paramLabel = "SEC",
        defaultValue = "900",
        converter = SecondsConverter.class,
        description = "New lease length: seconds, or 90s, 30m, 2h, 1d (default ${DEFAULT-VALUE}).")
    long ttl;

    @Option(
        names = "--phase",
        paramLabel = "P",
        description = "The lease phase now (e.g. testing; at most 64 characters).")
    String leasePhase;

    @Option(
        names = "--attr",
        paramLabel = "K=V",
        description = "Set a lease attribute (repeatable; merged into the lease's, at most 16).")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Override
    int run(Context ctx) {
      LeaseChange change = LeaseChange.of(leasePhase, attributes == null ? Map.of() : attributes);
      Card card =
          ctx.briefBacklog()
              .renew(CardId.of(id), LeaseToken.of(token), Duration.ofSeconds(ttl), change);
      ctx.emit(
          () -> JsonContract.card(card),
          () -> "renewed " + card.id() + " until " + card.lease().expiresAt());
      return 0;
    }
  }

  /** Either a lease token or --force. */
  static final class TokenOrForce {
    @Option(
        names = "--token",
        required = true,
        paramLabel = "T",
        description = "The lease token from claim.")
    Long token;

    @Option(
        names = "--force",
        required = true,
        description = "Complete without a lease (admin path; revokes any lease).")
    boolean force;
  }

  /** {@code complete}: finishes a card. */
  @Command(
      name = "complete",
      description = "Complete a claimed card with its token, or any unfinished card with --force.")
  static final class Complete extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TokenOrForce how;

    @Option(
        names = "--evidence",
        paramLabel = "JSON",
        description =
            "What shows the work is done, as a JSON object of at most 16 KiB (kept on the run and"
                + " in the completed event), e.g. {\"tests\":\"42 passed\",\"commit\":\"ab12\"}.")
    String evidence;

    @Override
    int run(Context ctx) {
      CardId card = CardId.of(id);
      if (how.force && evidence != null) {
        throw InvalidInputException.of(
            "evidence",
            "--evidence goes with --token: a forced completion has no run to keep it on");
      }
      Card done =
          how.force
              ? ctx.briefBacklog().forceComplete(card)
              : ctx.briefBacklog().complete(card, LeaseToken.of(how.token), evidence);
      ctx.emit(() -> JsonContract.card(done), () -> "completed " + Human.card(done));
      return 0;
    }
  }

  /** {@code release}: gives a card back. */
  @Command(name = "release", description = "Give a claimed card back (it becomes ready).")
  static final class Release extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Option(
        names = "--token",
        required = true,
        paramLabel = "T",
        description = "The lease token from claim.")
    long token;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().release(CardId.of(id), LeaseToken.of(token));
      ctx.emit(() -> JsonContract.card(card), () -> "released " + Human.card(card));
      return 0;
    }
  }

  /** {@code fail}: reports failure. */
  @Command(
      name = "fail",
      description = "Report failure: the card becomes ready, or blocked at its attempt limit.")
  static final class Fail extends BacklogCommand {
    @Parameters(paramLabel = "ID", description = "The card.")
    String id;

    @Option(
        names = "--token",
        required = true,
        paramLabel = "T",
        description = "The lease token from claim.")
    long token;

    @Option(names = "--reason", paramLabel = "R", description = "What went wrong.")
    String reason;

    @Override
    int run(Context ctx) {
      Card card = ctx.briefBacklog().fail(CardId.of(id), LeaseToken.of(token), reason);
      ctx.emit(() -> JsonContract.card(card), () -> "failed " + Human.card(card));
      return 0;
    }
  }

  /** {@code reclaim}: takes back lapsed leases, or one lease now. */
  @Command(
      name = "reclaim",
      description = "Take back every lapsed lease, or the lease of --id now.")
  static final class Reclaim extends BacklogCommand {
    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "Reclaim this claimed card regardless of expiry.")
    String id;

    @Override
    int run(Context ctx) {
      List<CardId> reclaimed =
          id == null
              ? ctx.briefBacklog().reclaimExpired()
              : List.of(ctx.briefBacklog().reclaim(CardId.of(id)).id());
      ctx.emit(
          () -> JsonContract.idList("reclaimed", reclaimed),
          () -> reclaimed.isEmpty() ? "nothing to reclaim" : "reclaimed: " + Human.ids(reclaimed));
      return 0;
    }
  }
}
