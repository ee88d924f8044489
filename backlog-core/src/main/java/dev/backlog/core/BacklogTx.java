package dev.backlog.core;

import dev.backlog.core.internal.Checks;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.Outcome;
import dev.backlog.core.spi.StoreTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The transaction view {@link Backlog} hands to {@link TransactionWork}: validates input (every
 * problem at once), applies the backlog's policy (actor, default attempt limit) and delegates to
 * the store transaction.
 *
 * <p>Not thread-safe: used by the thread running the transaction, until it ends.
 */
/** The transaction view handed to {@link TransactionWork}; validates and delegates. */
final class BacklogTx implements BacklogTransaction {
  private final StoreTransaction stx;
  private final List<Runnable> deferred;
  private final String actor;
  private final int defaultMaxAttempts;
  private boolean closed;

  BacklogTx(StoreTransaction stx, List<Runnable> deferred, String actor, int defaultMaxAttempts) {
    this.stx = stx;
    this.deferred = deferred;
    this.actor = actor;
    this.defaultMaxAttempts = defaultMaxAttempts;
  }

  /** Ends the view: later calls are refused. */
  void close() {
    closed = true;
  }

  private StoreTransaction stx() {
    if (closed) {
      throw new IllegalStateException(
          "the transaction has ended; use the backlog, not a saved transaction");
    }
    return stx;
  }

  @Override
  public void afterCommit(Runnable action) {
    stx();
    deferred.add(Objects.requireNonNull(action, "action"));
  }

  @Override
  public Optional<Card> find(CardId id) {
    return stx().find(Objects.requireNonNull(id, "id"));
  }

  @Override
  public List<Card> list(CardQuery query) {
    return stx().list(Objects.requireNonNull(query, "query"));
  }

  @Override
  public Card create(NewCard card) {
    return stx().create(Objects.requireNonNull(card, "card"), actor);
  }

  @Override
  public Card link(CardId from, CardId to) {
    return stx()
        .link(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"), actor);
  }

  @Override
  public Card unlink(CardId from, CardId to) {
    return stx()
        .unlink(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"), actor);
  }

  @Override
  public List<Claim> claim(ClaimRequest request) {
    return stx().claim(Objects.requireNonNull(request, "request"));
  }

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl) {
    ClaimRequest.validTtl(ttl);
    return stx()
        .renew(
            Objects.requireNonNull(id, "id"), Objects.requireNonNull(token, "token"), ttl, actor);
  }

  @Override
  public Card complete(CardId id, LeaseToken token) {
    return stx()
        .complete(Objects.requireNonNull(id, "id"), Objects.requireNonNull(token, "token"), actor);
  }

  @Override
  public List<Card> completeAll(List<Claim> claims) {
    List<Claim> checked = List.copyOf(Objects.requireNonNull(claims, "claims"));
    java.util.Set<CardId> seen = new java.util.HashSet<>();
    List<Violation> problems = new ArrayList<>();
    for (int i = 0; i < checked.size(); i++) {
      CardId id = checked.get(i).card().id();
      if (!seen.add(id)) {
        problems.add(
            new Violation(
                "claims[" + i + "]",
                "card " + id + " appears more than once; give each" + " card's claim once"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return checked.isEmpty() ? List.of() : stx().completeAll(checked, actor);
  }

  /** A coalesced batch of claims ({@link StoreTransaction#claimEach}); inputs arrive checked. */
  List<Outcome<List<Claim>>> claimEach(List<ClaimRequest> requests) {
    return stx().claimEach(requests);
  }

  /** A coalesced batch of completions ({@link StoreTransaction#completeEach}); inputs checked. */
  List<Outcome<Card>> completeEach(List<Completion> completions) {
    return stx().completeEach(completions, actor);
  }

  @Override
  public Card forceComplete(CardId id) {
    return stx().forceComplete(Objects.requireNonNull(id, "id"), actor);
  }

  @Override
  public Card release(CardId id, LeaseToken token, String reason) {
    String checked = reason("reason", reason);
    return stx()
        .release(
            Objects.requireNonNull(id, "id"),
            Objects.requireNonNull(token, "token"),
            checked,
            actor);
  }

  @Override
  public List<CardId> dependents(CardId id) {
    return stx().dependents(Objects.requireNonNull(id, "id"));
  }

  @Override
  public Card fail(CardId id, LeaseToken token, String reason) {
    String checked = reason("reason", reason);
    return stx()
        .fail(
            Objects.requireNonNull(id, "id"),
            Objects.requireNonNull(token, "token"),
            checked,
            defaultMaxAttempts,
            actor);
  }

  @Override
  public List<CardId> reclaimExpired() {
    return stx().reclaimExpired(defaultMaxAttempts, actor);
  }

  @Override
  public Card reclaim(CardId id) {
    return stx().reclaim(Objects.requireNonNull(id, "id"), actor);
  }

  @Override
  public Card block(CardId id, String reason) {
    String checked = reason("reason", reason);
    return stx().block(Objects.requireNonNull(id, "id"), checked, actor);
  }

  @Override
  public Card unblock(CardId id) {
    return stx().unblock(Objects.requireNonNull(id, "id"), actor);
  }

  @Override
  public Card reopen(CardId id) {
    return stx().reopen(Objects.requireNonNull(id, "id"), actor);
  }

  @Override
  public Stats stats() {
    return stx().stats();
  }

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change) {
    ClaimRequest.validTtl(ttl);
    return stx()
        .renew(
            Objects.requireNonNull(id, "id"),
            Objects.requireNonNull(token, "token"),
            ttl,
            Objects.requireNonNull(change, "change"),
            actor);
  }

  @Override
  public Card complete(CardId id, LeaseToken token, String evidence) {
    String checked = Run.validEvidence(evidence);
    return stx()
        .complete(
            Objects.requireNonNull(id, "id"),
            Objects.requireNonNull(token, "token"),
            checked,
            actor);
  }

  @Override
  public List<Run> history(CardId id) {
    return stx().history(Objects.requireNonNull(id, "id"));
  }

  @Override
  public Card defer(CardId id, Instant until) {
    if (until == null) {
      throw InvalidInputException.of("until", "until is required; give an instant or a duration");
    }
    return stx().defer(Objects.requireNonNull(id, "id"), until, actor);
  }

  @Override
  public Card deferFor(CardId id, Duration duration) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw InvalidInputException.of(
          "for",
          "for "
              + (duration == null ? "null" : duration.toSeconds() + "s")
              + " is not positive; give a duration greater than zero, e.g. 2h");
    }
    StoreTransaction tx = stx();
    return tx.defer(Objects.requireNonNull(id, "id"), tx.now().plus(duration), actor);
  }

  @Override
  public Card undefer(CardId id) {
    return stx().undefer(Objects.requireNonNull(id, "id"), actor);
  }

  @Override
  public List<CardId> wakeDeferred() {
    return stx().wakeDeferred(actor);
  }

  @Override
  public Explanation explain(CardId id) {
    Card card = get(Objects.requireNonNull(id, "id"));
    java.util.Map<CardId, CardStatus> deps = new java.util.HashMap<>();
    for (CardId dep : card.dependsOn()) {
      stx().find(dep).ifPresent(d -> deps.put(dep, d.status()));
    }
    return Explanation.of(card, deps, defaultMaxAttempts, c -> stx().claimRank(c));
  }

  @Override
  public List<Card> queue(String phase, int limit) {
    return stx().list(new CardQuery(null, phase, true, limit));
  }

  @Override
  public Waves waves(String phase) {
    List<Violation> problems = new ArrayList<>();
    NewCard.checkPhase(problems, phase);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    List<Card> open = new ArrayList<>();
    for (CardStatus status : List.of(CardStatus.READY, CardStatus.CLAIMED, CardStatus.BLOCKED)) {
      open.addAll(stx().list(new CardQuery(status, null, false, CardQuery.MAX_LIMIT)));
    }
    return Waves.of(open, phase);
  }

  @Override
  public Card update(CardId id, CardUpdate update, Long ifVersion) {
    return stx()
        .update(
            Objects.requireNonNull(id, "id"),
            Objects.requireNonNull(update, "update"),
            ifVersion,
            actor);
  }

  @Override
  public List<Event> events(EventQuery query) {
    return stx().events(Objects.requireNonNull(query, "query"));
  }

  private static String reason(String field, String reason) {
    List<Violation> problems = new ArrayList<>();
    Checks.text(problems, field, reason, NewCard.MAX_REASON, true);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return reason == null || reason.isBlank() ? null : reason;
  }
}
