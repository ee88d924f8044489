package dev.backlog.mcp.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NothingClaimable;
import dev.backlog.json.JsonContract;
import dev.backlog.mcp.McpOptions;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease tools: claim_next, heartbeat, complete, release, fail. Each records in {@link
 * SessionLeases} what the calling session now holds. Thread-safe.
 */
final class LeaseCalls {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseCalls.class);

  private final Backlog backlog;
  private final McpOptions options;
  private final SessionLeases leases;

  LeaseCalls(Backlog backlog, McpOptions options, SessionLeases leases) {
    this.backlog = backlog;
    this.options = options;
    this.leases = leases;
  }

  CallToolResult claimNext(Caller caller, Map<String, Object> arguments) {
    Args args =
        Args.of(ToolCatalog.CLAIM_NEXT, arguments, Set.of("owner", "phase", "id", "ttlSeconds"));
    String owner =
        args.string("owner").orElse(options.owner() != null ? options.owner() : caller.owner());
    Optional<String> phase = args.string("phase");
    Optional<CardId> id = args.optionalId("id");
    ClaimRequest request =
        ClaimRequest.builder(owner)
            .ttl(ttl(args))
            .phase(phase.orElse(null))
            .card(id.orElse(null))
            .build();
    List<Claim> claims = backlog.claim(request);
    if (claims.isEmpty()) {
      return Replies.ok(NothingClaimable.describe(backlog, request), "{\"card\":null}");
    }
    Claim claim = claims.get(0);
    Card card = claim.card();
    leases.took(caller.session(), card.id(), claim.token());
    if (leases.ended()) {
      // The session ended while this claim ran: give the card back rather than strand it.
      giveBack(caller.session(), card.id(), claim.token());
    }
    return Replies.ok(
        "claimed "
            + card.id()
            + " \""
            + card.title()
            + "\" with lease token "
            + claim.token()
            + " until "
            + card.lease().expiresAt()
            + " (owner "
            + owner
            + ")",
        wrap("card", JsonContract.card(card)));
  }

  CallToolResult heartbeat(Caller caller, Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.HEARTBEAT, arguments, Set.of("id", "token", "ttlSeconds"));
    CardId id = args.id("id");
    LeaseToken token = args.token();
    Duration ttl = ttl(args);
    Card card = guarded(caller, id, token, () -> backlog.renew(id, token, ttl));
    return Replies.ok(
        "lease " + token + " on " + id + " now expires at " + card.lease().expiresAt(),
        wrap("card", JsonContract.card(card)));
  }

  CallToolResult complete(Caller caller, Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.COMPLETE, arguments, Set.of("id", "token", "evidence"));
    CardId id = args.id("id");
    LeaseToken token = args.token();
    Optional<String> evidence = args.object("evidence");
    record Done(Card card, List<CardId> unblocked) {}
    Done done =
        guarded(
            caller,
            id,
            token,
            () ->
                backlog.inTransaction(
                    tx -> {
                      Card card = tx.complete(id, token, evidence.orElse(null));
                      // The dependents whose last unfinished dependency this was.
                      List<CardId> unblocked = new ArrayList<>();
                      for (CardId dependent : tx.dependents(id)) {
                        Optional<Card> d = tx.find(dependent);
                        if (d.isPresent()
                            && d.get().status() == CardStatus.READY
                            && d.get().dependsOn().stream()
                                .allMatch(
                                    dep ->
                                        tx.find(dep)
                                            .map(c -> c.status() == CardStatus.DONE)
                                            .orElse(false))) {
                          unblocked.add(dependent);
                        }
                      }
                      return new Done(card, unblocked);
                    }));
    leases.gone(caller.session(), id, token);
    String json =
        JsonContract.render(
            g -> {
              g.writeStartObject();
              g.writeFieldName("card");
              g.writeRawValue(JsonContract.card(done.card()));
              g.writeArrayFieldStart("unblocked");
              for (CardId u : done.unblocked()) {
                g.writeString(u.value());
              }
              g.writeEndArray();
              if (evidence.isPresent()) {
                g.writeFieldName("evidence");
                g.writeRawValue(evidence.get());
              }
              g.writeEndObject();
            });
    return Replies.ok(
        "completed "
            + id
            + (done.unblocked().isEmpty()
                ? "; no card became claimable"
                : "; now claimable: "
                    + done.unblocked().stream()
                        .map(CardId::value)
                        .collect(Collectors.joining(", "))),
        json);
  }

  CallToolResult release(Caller caller, Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.RELEASE, arguments, Set.of("id", "token", "reason"));
    CardId id = args.id("id");
    LeaseToken token = args.token();
    String reason = args.string("reason").orElse(null);
    Card card = guarded(caller, id, token, () -> backlog.release(id, token, reason));
    leases.gone(caller.session(), id, token);
    return Replies.ok(
        "released " + id + "; it is ready again", wrap("card", JsonContract.card(card)));
  }

  CallToolResult fail(Caller caller, Map<String, Object> arguments) {
    Args args = Args.of(ToolCatalog.FAIL, arguments, Set.of("id", "token", "reason"));
    CardId id = args.id("id");
    LeaseToken token = args.token();
    String reason = args.requiredString("reason");
    Card card = guarded(caller, id, token, () -> backlog.fail(id, token, reason));
    leases.gone(caller.session(), id, token);
    String outcome =
        card.status() == CardStatus.BLOCKED
            ? "blocked after " + card.attempts() + " attempts: " + card.blockedReason()
            : "ready again (attempt " + card.attempts() + ")";
    return Replies.ok("failed " + id + "; it is " + outcome, wrap("card", JsonContract.card(card)));
  }

  /** Gives back a lease of a session that ended; a lease already gone is not an error. */
  boolean giveBack(String session, CardId id, LeaseToken token) {
    leases.gone(session, id, token);
    try {
      backlog.release(id, token, McpOptions.SESSION_ENDED);
      return true;
    } catch (dev.backlog.core.LeaseLostException | dev.backlog.core.CardNotFoundException e) {
      LOG.debug("lease {} on {} was gone already: {}", token, id, e.getMessage());
      return false;
    }
  }

  /** Runs a lease call; a lost lease is forgotten by the session, then reported. */
  private <T> T guarded(
      Caller caller, CardId id, LeaseToken token, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (dev.backlog.core.LeaseLostException e) {
      leases.gone(caller.session(), id, token);
      throw e;
    }
  }

  private Duration ttl(Args args) {
    Optional<Long> seconds = args.integer("ttlSeconds");
    if (seconds.isEmpty()) {
      return options.defaultTtl();
    }
    long s = seconds.get();
    if (s < 1 || s > ClaimRequest.MAX_TTL.toSeconds()) {
      throw Refusal.invalid(
          "ttlSeconds "
              + s
              + " is out of range; use 1 to "
              + ClaimRequest.MAX_TTL.toSeconds()
              + " seconds, or leave it out for "
              + options.defaultTtl().toSeconds());
    }
    return Duration.ofSeconds(s);
  }

  /** {@code {"name": value}} around a JSON value's text. */
  static String wrap(String name, String valueJson) {
    return JsonContract.render(
        g -> {
          g.writeStartObject();
          g.writeFieldName(name);
          g.writeRawValue(valueJson);
          g.writeEndObject();
        });
  }
}
