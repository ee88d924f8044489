package dev.backlog.core.memory;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.IdempotencyConflictException;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.core.Stats;
import dev.backlog.core.UnknownDependencyException;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.DependencyGraph;
import dev.backlog.core.spi.EventData;
import dev.backlog.core.spi.StoreTransaction;
import dev.backlog.core.spi.StoreWork;
import dev.backlog.core.spi.Transitions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A store held in memory: the reference model every other store is checked against. Transactions
 * are serial (one lock) and roll back through an undo log, so a failed transaction leaves no trace.
 * Lease expiry is judged by the injected {@link InstantSource}.
 *
 * <p>Thread-safe. Nothing is persisted; contents are lost when the store is dropped.
 */
public final class InMemoryBacklogStore implements BacklogStore {

  /**
   * Claim order: priority descending, then creation time, then id; the same as {@link
   * Card#CLAIM_ORDER}.
   */
  public static final Comparator<Card> CLAIM_ORDER = Card.CLAIM_ORDER;

  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final Map<CardId, Card> cards = new HashMap<>();
  private final TreeSet<Card> ready = new TreeSet<>(CLAIM_ORDER);
  private final Map<String, Idempotent> keys = new HashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final Map<CardId, List<Run>> runs = new HashMap<>();

  /** The last lease token issued; never decreases, not even on rollback. */
  private long lastToken;

  private boolean closed;

  private record Idempotent(CardId card, String fingerprint) {}

  /** Creates an empty store whose lease expiry follows the given clock. */
  public InMemoryBacklogStore(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public <T> T inTransaction(StoreWork<T> work) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the in-memory store is closed");
      }
      Tx tx = new Tx(clock.instant());
      try {
        T result = work.run(tx);
        tx.checkBeforeCommit();
        tx.done = true;
        if (!tx.written.isEmpty()) {
          changed.signalAll();
        }
        return result;
      } catch (RuntimeException | Error e) {
        tx.rollback();
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void awaitChange(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      changed.await(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String describe() {
    return "in-memory store";
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private boolean claimable(Card card) {
    if (card.status() != CardStatus.READY || card.notBefore() != null) {
      return false;
    }
    for (CardId dep : card.dependsOn()) {
      Card d = cards.get(dep);
      if (d == null || d.status() != CardStatus.DONE) {
        return false;
      }
    }
    return true;
  }

  /**
   * Replaces a card (or removes it when {@code card} is null for {@code id}) and keeps the ready
   * index.
   */
  private void store(CardId id, Card card) {
    Card old = card == null ? cards.remove(id) : cards.put(id, card);
    if (old != null && old.status() == CardStatus.READY) {
      ready.remove(old);
    }
    if (card != null && card.status() == CardStatus.READY) {
      ready.add(card);
    }
  }

  private final class Tx implements StoreTransaction {
    private final Instant now;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<Event> written = new ArrayList<>();
    private final Set<CardId> forwardReferences = new LinkedHashSet<>();
    private boolean done;

    Tx(Instant now) {
      this.now = now;
    }

    void rollback() {
      while (!undo.isEmpty()) {
        undo.pop().run();
      }
    }

    void checkBeforeCommit() {
      for (CardId id : forwardReferences) {
        Card card = cards.get(id);
        if (card == null) {
          continue;
        }
        Set<CardId> missing = new TreeSet<>();
        for (CardId dep : card.dependsOn()) {
          if (!cards.containsKey(dep)) {
            missing.add(dep);
          }
        }
        if (!missing.isEmpty()) {
          throw new UnknownDependencyException(id, missing);
        }
      }
    }

    private void put(Card card) {
      Card old = cards.get(card.id());
      undo.push(() -> store(card.id(), old));
      store(card.id(), card);
    }

    private void event(Card card, EventType type, String actor, LeaseToken token, String data) {
      Event event = new Event(events.size() + 1L, card.id(), type, actor, now, token, data);
      events.add(event);
      written.add(event);
      undo.push(
          () -> {
            events.remove(events.size() - 1);
            written.remove(written.size() - 1);
          });
    }

    /** Ends the run of the lease {@code before} held, when it held one. */
    private void endRun(Card before, RunOutcome outcome, String reason, String evidence) {
      Lease lease = before.lease();
      if (lease == null) {
        return;
      }
      List<Run> list = runs.computeIfAbsent(before.id(), id -> new ArrayList<>());
      list.add(Run.ended(before.id(), lease, now, outcome, reason, evidence));
      undo.push(() -> list.remove(list.size() - 1));
    }

    private Card require(CardId id) {
      Card card = cards.get(id);
      if (card == null) {
        throw new CardNotFoundException(id);
      }
      return card;
    }

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public Optional<Card> find(CardId id) {
      return Optional.ofNullable(cards.get(id));
    }

    @Override
    public List<Card> list(CardQuery query) {
      return cards.values().stream()
          .filter(c -> query.status() == null || c.status() == query.status())
          .filter(c -> query.phase() == null || query.phase().equals(c.phase()))
          .filter(c -> !query.claimableOnly() || claimable(c))
          .sorted(CLAIM_ORDER)
          .limit(query.limit())
          .toList();
    }

    @Override
    public Card create(NewCard request, String actor) {
      if (request.idempotencyKey() != null) {
        Idempotent seen = keys.get(request.idempotencyKey());
        if (seen != null) {
          if (seen.fingerprint().equals(request.fingerprint())) {
            return require(seen.card());
          }
          throw new IdempotencyConflictException(request.idempotencyKey(), seen.card());
        }
      }
      if (cards.containsKey(request.id())) {
        throw new DuplicateCardException(request.id());
      }
      for (CardId dep : request.dependsOn()) {
        Optional<List<CardId>> cycle =
            DependencyGraph.cycleThrough(request.id(), dep, this::dependenciesOf);
        if (cycle.isPresent()) {
          throw new DependencyCycleException(cycle.get());
        }
      }
      Card card = Transitions.created(request, now);
      put(card);
      if (request.idempotencyKey() != null) {
        String key = request.idempotencyKey();
        keys.put(key, new Idempotent(card.id(), request.fingerprint()));
        undo.push(() -> keys.remove(key));
      }
      if (request.dependsOn().stream().anyMatch(dep -> !cards.containsKey(dep))) {
        forwardReferences.add(card.id());
      }
      event(card, EventType.CREATED, actor, null, EventData.created(card));
      return card;
    }

    private Set<CardId> dependenciesOf(CardId id) {
      Card card = cards.get(id);
      return card == null ? Set.of() : card.dependsOn();
    }

    @Override
    public Card link(CardId from, CardId to, String actor) {
      Card card = require(from);
      if (!cards.containsKey(to)) {
        throw new UnknownDependencyException(from, Set.of(to));
      }
      if (card.dependsOn().contains(to)) {
        return card;
      }
      Optional<List<CardId>> cycle = DependencyGraph.cycleThrough(from, to, this::dependenciesOf);
      if (cycle.isPresent()) {
        throw new DependencyCycleException(cycle.get());
      }
      TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
      deps.add(to);
      Card next = Transitions.next(card, now).dependsOn(deps).build();
      put(next);
      event(next, EventType.LINKED, actor, null, EventData.edge(to));
      return next;
    }

    @Override
    public Card unlink(CardId from, CardId to, String actor) {
      Card card = require(from);
      if (!card.dependsOn().contains(to)) {
        return card;
      }
      TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
      deps.remove(to);
      Card next = Transitions.next(card, now).dependsOn(deps).build();
      put(next);
      event(next, EventType.UNLINKED, actor, null, EventData.edge(to));
      return next;
    }

    @Override
    public List<Claim> claim(ClaimRequest request) {
      List<Card> chosen = new ArrayList<>();
      if (request.cardId() != null) {
        Card card = require(request.cardId());
        if (claimable(card) && (request.phase() == null || request.phase().equals(card.phase()))) {
          chosen.add(card);
        }
      } else {
        for (Card card : ready) {
          if (chosen.size() >= request.limit()) {
            break;
          }
          if ((request.phase() == null || request.phase().equals(card.phase()))
              && claimable(card)) {
            chosen.add(card);
          }
        }
      }
      List<Claim> claims = new ArrayList<>();
      for (Card card : chosen) {
        // Like a database sequence, the counter is not rolled back: a token handed out inside a
        // transaction that later failed is never issued again, so it can never fence a later lease.
        lastToken++;
        Lease lease =
            new Lease(
                request.owner(),
                new LeaseToken(lastToken),
                now,
                now.plus(request.ttl()),
                request.leasePhase(),
                request.attributes());
        Card next = Transitions.claim(card, lease, now);
        put(next);
        event(next, EventType.CLAIMED, request.owner(), lease.token(), EventData.claimed(next));
        claims.add(new Claim(next, lease));
      }
      return claims;
    }

    @Override
    public Card renew(CardId id, LeaseToken token, Duration ttl, String actor) {
      return renew(id, token, ttl, LeaseChange.NONE, actor);
    }

    @Override
    public Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change, String actor) {
      Card next = Transitions.renew(require(id), token, ttl, change, now);
      put(next);
      event(next, EventType.RENEWED, actor, token, EventData.renewed(next));
      return next;
    }

    @Override
    public Card complete(CardId id, LeaseToken token, String actor) {
      return complete(id, token, null, actor);
    }

    @Override
    public Card complete(CardId id, LeaseToken token, String evidence, String actor) {
      Card card = require(id);
      Card next = Transitions.complete(card, token, now);
      put(next);
      endRun(card, RunOutcome.COMPLETED, null, evidence);
      event(
          next,
          EventType.COMPLETED,
          actor,
          token,
          EventData.completed(CardStatus.CLAIMED, false, evidence));
      return next;
    }

    @Override
    public Card forceComplete(CardId id, String actor) {
      Card card = require(id);
      Card next = Transitions.forceComplete(card, now);
      put(next);
      endRun(card, RunOutcome.FORCE_COMPLETED, null, null);
      event(next, EventType.COMPLETED, actor, null, EventData.completed(card.status(), true));
      return next;
    }

    @Override
    public Card release(CardId id, LeaseToken token, String reason, String actor) {
      Card card = require(id);
      Card next = Transitions.release(card, token, now);
      put(next);
      endRun(card, RunOutcome.RELEASED, reason, null);
      event(next, EventType.RELEASED, actor, token, EventData.released(reason));
      return next;
    }

    @Override
    public Card fail(
        CardId id, LeaseToken token, String reason, int defaultMaxAttempts, String actor) {
      Card card = require(id);
      Card next = Transitions.fail(card, token, reason, defaultMaxAttempts, now);
      put(next);
      endRun(card, RunOutcome.FAILED, reason, null);
      event(next, EventType.FAILED, actor, token, EventData.failed(reason, next));
      return next;
    }

    @Override
    public List<CardId> reclaimExpired(int defaultMaxAttempts, String actor) {
      List<Card> lapsed =
          cards.values().stream()
              .filter(c -> c.status() == CardStatus.CLAIMED && c.lease().isExpiredAt(now))
              .sorted(Comparator.comparing(Card::id))
              .toList();
      List<CardId> reclaimed = new ArrayList<>();
      for (Card card : lapsed) {
        Card next = Transitions.expire(card, defaultMaxAttempts, now);
        put(next);
        endRun(card, RunOutcome.LAPSED, next.blockedReason(), null);
        event(
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
      Card card = require(id);
      Card next = Transitions.reclaim(card, now);
      put(next);
      endRun(
          card, card.lease().isExpiredAt(now) ? RunOutcome.LAPSED : RunOutcome.REVOKED, null, null);
      event(
          next,
          EventType.RECLAIMED,
          actor,
          card.lease().token(),
          EventData.reclaimed(card, next, card.lease().isExpiredAt(now)));
      return next;
    }

    @Override
    public Card block(CardId id, String reason, String actor) {
      Card card = require(id);
      Card next = Transitions.block(card, reason, now);
      put(next);
      endRun(card, RunOutcome.REVOKED, reason, null);
      event(next, EventType.BLOCKED, actor, null, EventData.blocked(card.status(), reason));
      return next;
    }

    @Override
    public Card unblock(CardId id, String actor) {
      Card next = Transitions.unblock(require(id), now);
      put(next);
      event(next, EventType.UNBLOCKED, actor, null, EventData.empty());
      return next;
    }

    @Override
    public Card reopen(CardId id, String actor) {
      Card next = Transitions.reopen(require(id), now);
      put(next);
      event(next, EventType.REOPENED, actor, null, EventData.empty());
      return next;
    }

    @Override
    public Stats stats() {
      return MemoryStats.of(cards.values(), now, InMemoryBacklogStore.this::claimable);
    }

    @Override
    public List<Run> history(CardId id) {
      Card card = require(id);
      List<Run> out = new ArrayList<>(runs.getOrDefault(id, List.of()));
      if (card.lease() != null) {
        out.add(Run.open(id, card.lease()));
      }
      return out;
    }

    @Override
    public Card defer(CardId id, Instant until, String actor) {
      Card next = Transitions.defer(require(id), until, now);
      put(next);
      event(next, EventType.DEFERRED, actor, null, EventData.deferred(until));
      return next;
    }

    @Override
    public Card undefer(CardId id, String actor) {
      Card card = require(id);
      Card next = Transitions.undefer(card, now);
      if (next == card) {
        return card;
      }
      put(next);
      event(next, EventType.UNDEFERRED, actor, null, EventData.undeferred(false));
      return next;
    }

    @Override
    public List<CardId> wakeDeferred(String actor) {
      List<Card> due =
          cards.values().stream()
              .filter(c -> Transitions.deferralOver(c, now))
              .sorted(Comparator.comparing(Card::id))
              .toList();
      List<CardId> woken = new ArrayList<>();
      for (Card card : due) {
        Card next = Transitions.undefer(card, now);
        put(next);
        event(next, EventType.UNDEFERRED, actor, null, EventData.undeferred(true));
        woken.add(card.id());
      }
      return woken;
    }

    @Override
    public Card update(CardId id, CardUpdate update, Long ifVersion, String actor) {
      Card card = require(id);
      Card next = Transitions.update(card, update, ifVersion, now);
      if (next == card) {
        return card;
      }
      put(next);
      event(
          next, EventType.UPDATED, actor, null, EventData.updated(CardUpdate.changes(card, next)));
      return next;
    }

    @Override
    public long claimRank(Card card) {
      return ready.headSet(card, false).stream()
              .filter(InMemoryBacklogStore.this::claimable)
              .count()
          + 1;
    }

    @Override
    public List<Event> events(EventQuery query) {
      List<Event> page = new ArrayList<>();
      int start = (int) Math.min(query.afterSeq(), events.size());
      for (int i = start; i < events.size() && page.size() < query.limit(); i++) {
        Event event = events.get(i);
        if (query.cardId() == null || query.cardId().equals(event.cardId())) {
          page.add(event);
        }
      }
      return page;
    }

    @Override
    public List<Event> writtenEvents() {
      return List.copyOf(written);
    }
  }
}
