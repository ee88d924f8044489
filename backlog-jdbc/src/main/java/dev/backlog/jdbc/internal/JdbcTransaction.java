package dev.backlog.jdbc.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.core.Stats;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.EventData;
import dev.backlog.core.spi.Outcome;
import dev.backlog.core.spi.StoreTransaction;
import dev.backlog.core.spi.Transitions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * One store transaction: implements the status machine with {@link Transitions} for every database,
 * and leaves what differs to its {@link SqlDialect}. Changes to the dependency graph are {@link
 * CardGraph}'s, reads are {@link CardReads}'; events are buffered in the {@link Session} until
 * {@link #seal()} has the dialect number them right before commit, unless the dialect writes a
 * claim's or completion's events in the operation's own statement.
 *
 * <p>Not thread-safe: used by one thread while its transaction runs.
 */
public final class JdbcTransaction implements StoreTransaction {

  private static final NamedSql WRITE_CARD =
      NamedSql.compile(
          "UPDATE cards SET status = :status,"
              + " attempts = :attempts, lease_owner = :owner, lease_token = :token, lease_claimed_at = :claimedAt,"
              + " lease_expires_at = :expiresAt, lease_phase = :leasePhase, lease_attributes = :leaseAttributes,"
              + " blocked_reason = :reason, not_before = :notBefore, updated_at = :updatedAt, version = :version"
              + " WHERE id = :id");
  private static final NamedSql DEPENDENTS =
      NamedSql.compile("SELECT card_id FROM card_deps WHERE depends_on = :id ORDER BY card_id");
  private static final NamedSql EXISTS =
      NamedSql.compile("SELECT COUNT(*) FROM cards WHERE id = :id");
  private static final NamedSql LAPSED =
      NamedSql.compile(
          "SELECT "
              + CardRows.CARD_COLUMNS
              + " FROM cards"
              + " WHERE status = 'claimed' AND lease_expires_at <= :now ORDER BY id FOR UPDATE SKIP LOCKED");

  private final Session s;
  private final SqlDialect dialect;
  private final CardGraph graph;
  private final CardReads reads;
  private final Scheduling scheduling;
  private final ClaimBatch claimBatch;

  /**
   * Opens the transaction view.
   *
   * @param session the transaction's connection and state
   * @param dialect the database's dialect
   */
  public JdbcTransaction(Session session, SqlDialect dialect) {
    this.s = session;
    this.dialect = dialect;
    this.graph = new CardGraph(session, dialect, this);
    this.reads = new CardReads(session, dialect);
    this.scheduling = new Scheduling(session, dialect, this);
    this.claimBatch = new ClaimBatch(session, dialect, this);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs the checks due at the end of the transaction, then numbers and writes the buffered events.
   * Called before commit, and by {@link #writtenEvents()}; may run again when the work continues
   * after it.
   *
   * @throws dev.backlog.core.UnknownDependencyException when a card names a dependency that still
   *     does not exist
   */
  public void seal() {
    graph.checkForwardReferences();
    if (!s.pending.isEmpty()) {
      dialect.seal(s);
    }
  }

  /** Whether the transaction changed something a waiting claimer may care about. */
  public boolean wakesWaiters() {
    return s.wakesWaiters();
  }

  /**
   * The first event this transaction wrote (after {@link #seal()}), to verify an uncertain commit.
   */
  public Optional<Event> firstSealedEvent() {
    return s.sealed.isEmpty() ? Optional.empty() : Optional.of(s.sealed.get(0));
  }

  /**
   * Recomputes every card's {@code unmet_deps} from the edges and the dependencies' statuses, and
   * the per-status counts from the cards.
   *
   * @return how many cards had a wrong counter
   */
  public int recount() {
    Handle h = s.handle();
    String truth =
        "(SELECT COUNT(*) FROM card_deps e LEFT JOIN cards d ON d.id = e.depends_on"
            + " WHERE e.card_id = cards.id AND (d.id IS NULL OR NOT (d.status = 'done')))";
    int fixed =
        h.createUpdate(
                "UPDATE cards SET unmet_deps = "
                    + truth
                    + " WHERE NOT (unmet_deps = "
                    + truth
                    + ")")
            .execute();
    dialect.recountStatuses(h);
    return fixed;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Instant now() {
    return s.now();
  }

  @Override
  public Optional<Card> find(CardId id) {
    return reads.find(id);
  }

  @Override
  public List<Card> list(CardQuery query) {
    return reads.list(query);
  }

  @Override
  public List<CardId> dependents(CardId id) {
    return s.rows(DEPENDENTS, b -> b.set("id", id), rs -> CardId.of(rs.getString(1)));
  }

  @Override
  public Stats stats() {
    return reads.stats();
  }

  @Override
  public List<Event> events(EventQuery query) {
    seal();
    return reads.events(query);
  }

  @Override
  public List<Event> writtenEvents() {
    seal();
    return List.copyOf(s.sealed);
  }

  // ---------------------------------------------------------------- DAG

  @Override
  public Card create(NewCard request, String actor) {
    return graph.create(request, actor);
  }

  @Override
  public Card link(CardId from, CardId to, String actor) {
    return graph.link(from, to, actor);
  }

  @Override
  public Card unlink(CardId from, CardId to, String actor) {
    return graph.unlink(from, to, actor);
  }

  // ---------------------------------------------------------------- claims

  @Override
  public List<Claim> claim(ClaimRequest request) {
    boolean inline = dialect.writesEventsInline(s);
    SqlDialect.Claimed claimed = dialect.claim(s, request, inline);
    if (claimed.cards().isEmpty()) {
      if (request.cardId() != null && !exists(request.cardId())) {
        throw new CardNotFoundException(request.cardId());
      }
      return List.of();
    }
    List<Card> cards = new ArrayList<>(claimed.cards());
    cards.sort(Card.CLAIM_ORDER);
    List<Claim> claims = new ArrayList<>(cards.size());
    long last = Long.MIN_VALUE;
    for (Card card : cards) {
      last = ClaimBatch.recordClaimed(s, claimed, card, inline, last, "the claim statement");
      claims.add(new Claim(card, card.lease()));
    }
    return claims;
  }

  /**
   * Requests that share a filter are claimed together where the dialect can ({@link ClaimBatch}).
   */
  @Override
  public List<Outcome<List<Claim>>> claimEach(List<ClaimRequest> requests) {
    return claimBatch.claimEach(requests);
  }

  private boolean exists(CardId id) {
    return s.rows(EXISTS, b -> b.set("id", id), rs -> rs.getInt(1)).get(0) > 0;
  }

  // ---------------------------------------------------------------- lease holder operations

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl, String actor) {
    return renew(id, token, ttl, LeaseChange.NONE, actor);
  }

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change, String actor) {
    Card card = lock(id);
    Card next =
        Transitions.renew(card, token, Duration.of(micros(ttl), ChronoUnit.MICROS), change, now());
    write(card, next);
    s.event(next, EventType.RENEWED, actor, token, EventData.renewed(next));
    return next;
  }

  @Override
  public Card complete(CardId id, LeaseToken token, String actor) {
    return complete(id, token, null, actor);
  }

  @Override
  public Card complete(CardId id, LeaseToken token, String evidence, String actor) {
    boolean inline = dialect.writesEventsInline(s);
    Optional<Card> done = dialect.completeHeld(s, id, token, evidence, inline ? actor : null);
    if (done.isPresent()) {
      Card next = done.get();
      if (!inline) {
        s.count(CardStatus.CLAIMED, next.phase(), -1);
        s.count(CardStatus.DONE, next.phase(), 1);
        s.event(
            next,
            EventType.COMPLETED,
            actor,
            token,
            EventData.completed(CardStatus.CLAIMED, false, evidence));
      }
      return next;
    }
    // No one-statement path, or not the current, unexpired lease (or no such card): the general
    // path says why.
    Card card = lock(id);
    Card next = Transitions.complete(card, token, now());
    write(card, next);
    statusChanged(card, next);
    scheduling.endRun(card, RunOutcome.COMPLETED, null, evidence);
    s.event(
        next,
        EventType.COMPLETED,
        actor,
        token,
        EventData.completed(CardStatus.CLAIMED, false, evidence));
    return next;
  }

  @Override
  public List<Card> completeAll(List<Claim> claims, String actor) {
    return completeAll(
        claims, lockAll(claims.stream().map(c -> c.card().id()).toList()), now(), actor);
  }

  /** {@link #completeAll(List, String)} of cards this transaction has locked already. */
  private List<Card> completeAll(
      List<Claim> claims, Map<CardId, Card> locked, Instant at, String actor) {
    List<CardId> ids = claims.stream().map(c -> c.card().id()).toList();
    List<Card> before = new ArrayList<>(claims.size());
    List<Card> after = new ArrayList<>(claims.size());
    for (Claim claim : claims) {
      Card card = locked.get(claim.card().id());
      if (card == null) {
        throw new CardNotFoundException(claim.card().id());
      }
      before.add(card);
      after.add(Transitions.complete(card, claim.token(), at));
    }
    // A claimed card may have been linked to another card of the batch since; one statement cannot
    // update a
    // row both as a completed card and as a dependent, so such a batch goes card by card.
    Set<CardId> batch = new HashSet<>(ids);
    boolean linkedWithin =
        before.stream().anyMatch(c -> c.dependsOn().stream().anyMatch(batch::contains));
    if (!linkedWithin && dialect.completeLocked(s, ids, at)) {
      for (Card next : after) {
        s.count(CardStatus.CLAIMED, next.phase(), -1);
        s.count(CardStatus.DONE, next.phase(), 1);
      }
    } else {
      for (int i = 0; i < before.size(); i++) {
        write(before.get(i), after.get(i));
        statusChanged(before.get(i), after.get(i));
      }
    }
    scheduling.endRuns(before, RunOutcome.COMPLETED);
    for (int i = 0; i < claims.size(); i++) {
      s.event(
          after.get(i),
          EventType.COMPLETED,
          actor,
          claims.get(i).token(),
          EventData.completed(CardStatus.CLAIMED, false));
    }
    return List.copyOf(after);
  }

  /**
   * A coalesced batch of completions of distinct cards. Where the dialect completes held leases in
   * one statement ({@link SqlDialect#completeHeldEach}), that statement completes every card whose
   * lease holds, and the rest go one by one (which refuses them, or completes a batch whose cards
   * depend on each other). Otherwise, without evidence: one statement locks every card, each lease
   * is checked in Java (a refusal is that call's outcome, decided without a failing statement), and
   * the valid ones complete together through {@link #completeAll}. Other batches take the SPI's
   * default, one completion after the other.
   */
  @Override
  public List<Outcome<Card>> completeEach(List<Completion> items, String actor) {
    Set<CardId> distinct = new HashSet<>();
    boolean unique = true;
    boolean plain = true;
    for (Completion c : items) {
      unique &= distinct.add(c.id());
      plain &= c.evidence() == null;
    }
    List<Optional<Card>> held =
        items.size() >= 2 && unique && dialect.writesEventsInline(s)
            ? dialect.completeHeldEach(s, items, actor)
            : null;
    if (held != null) {
      List<Outcome<Card>> outcomes = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        Completion c = items.get(i);
        outcomes.add(
            held.get(i).isPresent()
                ? Outcome.of(held.get(i).get())
                : StoreTransaction.super.completeEach(List.of(c), actor).get(0));
      }
      return outcomes;
    }
    if (items.size() < 2 || !plain || !unique) {
      return StoreTransaction.super.completeEach(items, actor);
    }
    Map<CardId, Card> locked = lockAll(items.stream().map(Completion::id).toList());
    Instant at = now();
    List<Outcome<Card>> outcomes = new ArrayList<>(items.size());
    List<Claim> valid = new ArrayList<>();
    for (Completion c : items) {
      Card card = locked.get(c.id());
      try {
        if (card == null) {
          throw new CardNotFoundException(c.id());
        }
        Transitions.complete(card, c.token(), at);
        valid.add(new Claim(card, card.lease()));
        outcomes.add(null);
      } catch (RuntimeException e) {
        if (!Outcome.isRefusal(e)) {
          throw e;
        }
        outcomes.add(Outcome.refused((BacklogException) e));
      }
    }
    List<Card> done = valid.isEmpty() ? List.of() : completeAll(valid, locked, at, actor);
    for (int i = 0, k = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) == null) {
        outcomes.set(i, Outcome.of(done.get(k++)));
      }
    }
    return outcomes;
  }

  @Override
  public Card forceComplete(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.forceComplete(card, now());
    write(card, next);
    statusChanged(card, next);
    scheduling.endRun(card, RunOutcome.FORCE_COMPLETED, null, null);
    s.event(next, EventType.COMPLETED, actor, null, EventData.completed(card.status(), true));
    return next;
  }

  @Override
  public Card release(CardId id, LeaseToken token, String reason, String actor) {
    Card card = lock(id);
    Card next = Transitions.release(card, token, now());
    write(card, next);
    scheduling.endRun(card, RunOutcome.RELEASED, reason, null);
    s.event(next, EventType.RELEASED, actor, token, EventData.released(reason));
    return next;
  }

  @Override
  public Card fail(
      CardId id, LeaseToken token, String reason, int defaultMaxAttempts, String actor) {
    Card card = lock(id);
    Card next = Transitions.fail(card, token, reason, defaultMaxAttempts, now());
    write(card, next);
    scheduling.endRun(card, RunOutcome.FAILED, reason, null);
    s.event(next, EventType.FAILED, actor, token, EventData.failed(reason, next));
    return next;
  }

  @Override
  public List<CardId> reclaimExpired(int defaultMaxAttempts, String actor) {
    Instant at = now();
    List<Card> lapsed = s.rows(LAPSED, b -> b.set("now", at), CardRows::card);
    if (lapsed.isEmpty()) {
      return List.of();
    }
    List<Card> sorted = new ArrayList<>(s.withDependencies(lapsed));
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    List<CardId> reclaimed = new ArrayList<>();
    for (Card card : sorted) {
      Card next = Transitions.expire(card, defaultMaxAttempts, at);
      write(card, next);
      scheduling.endRun(card, RunOutcome.LAPSED, next.blockedReason(), null);
      s.event(
          next,
          EventType.RECLAIMED,
          actor,
          card.lease().token(),
          EventData.reclaimed(card, next, true));
      reclaimed.add(card.id());
    }
    return reclaimed;
  }

  @Override
  public Card reclaim(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.reclaim(card, now());
    write(card, next);
    scheduling.endRun(
        card, card.lease().isExpiredAt(now()) ? RunOutcome.LAPSED : RunOutcome.REVOKED, null, null);
    s.event(
        next,
        EventType.RECLAIMED,
        actor,
        card.lease().token(),
        EventData.reclaimed(card, next, card.lease().isExpiredAt(now())));
    return next;
  }

  @Override
  public Card block(CardId id, String reason, String actor) {
    Card card = lock(id);
    Card next = Transitions.block(card, reason, now());
    write(card, next);
    scheduling.endRun(card, RunOutcome.REVOKED, reason, null);
    s.event(next, EventType.BLOCKED, actor, null, EventData.blocked(card.status(), reason));
    return next;
  }

  @Override
  public Card unblock(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.unblock(card, now());
    write(card, next);
    s.event(next, EventType.UNBLOCKED, actor, null, EventData.empty());
    return next;
  }

  @Override
  public Card reopen(CardId id, String actor) {
    Card card = lock(id);
    Card next = Transitions.reopen(card, now());
    write(card, next);
    statusChanged(card, next);
    s.event(next, EventType.REOPENED, actor, null, EventData.empty());
    return next;
  }

  // ---------------------------------------------------------------- scheduling visibility

  @Override
  public List<Run> history(CardId id) {
    return scheduling.history(id);
  }

  @Override
  public Card defer(CardId id, Instant until, String actor) {
    return scheduling.defer(id, until, actor);
  }

  @Override
  public Card undefer(CardId id, String actor) {
    return scheduling.undefer(id, actor);
  }

  @Override
  public List<CardId> wakeDeferred(String actor) {
    return scheduling.wakeDeferred(actor);
  }

  @Override
  public Card update(CardId id, CardUpdate update, Long ifVersion, String actor) {
    return scheduling.update(id, update, ifVersion, actor);
  }

  @Override
  public long claimRank(Card card) {
    return scheduling.claimRank(card);
  }

  // ---------------------------------------------------------------- helpers

  /** Reads a card with its dependencies and a row lock held until the transaction ends. */
  Card lock(CardId id) {
    Card card = lockAll(List.of(id)).get(id);
    if (card == null) {
      throw new CardNotFoundException(id);
    }
    return card;
  }

  /** Reads the named cards that exist, with their dependencies, locking their rows in id order. */
  private Map<CardId, Card> lockAll(List<CardId> ids) {
    return dialect.lockAll(s, ids.stream().map(CardId::value).sorted().distinct().toList());
  }

  /** Writes every column a transition may change, and notes a status change for the counts. */
  void write(Card before, Card next) {
    s.statusCounts(before, next);
    Lease lease = next.lease();
    s.update(
        WRITE_CARD,
        b ->
            b.set("status", next.status().wireName())
                .set("attempts", next.attempts())
                .set("owner", lease == null ? null : lease.owner())
                .set("token", lease == null ? null : lease.token())
                .set("claimedAt", lease == null ? null : lease.claimedAt())
                .set("expiresAt", lease == null ? null : lease.expiresAt())
                .set("leasePhase", lease == null ? null : lease.phase())
                .set("leaseAttributes", lease == null ? null : lease.attributesJson())
                .set("reason", next.blockedReason())
                .set("notBefore", next.notBefore())
                .set("updatedAt", next.updatedAt())
                .set("version", next.version())
                .set("id", next.id()));
  }

  /** Keeps dependents' counters right when a card becomes done or stops being done. */
  private void statusChanged(Card before, Card after) {
    boolean wasDone = before.status() == CardStatus.DONE;
    boolean isDone = after.status() == CardStatus.DONE;
    if (wasDone != isDone) {
      dialect.dependentsChanged(s, before.id(), isDone);
    }
  }

  /** A duration in whole microseconds, at least one. */
  static long micros(Duration d) {
    return Math.max(1, d.toNanos() / 1_000);
  }
}
