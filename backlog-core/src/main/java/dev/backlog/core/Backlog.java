package dev.backlog.core;

import dev.backlog.core.internal.Checks;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.StoreWork;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The backlog of record: the API facade over a {@link BacklogStore}. It validates input (reporting
 * every problem at once), applies policy (default attempt limit, the sweep of lapsed leases before
 * claims, long-poll claims), runs deferred side effects after commit and notifies the listener.
 *
 * <p>Thread-safe: one instance serves any number of threads. Holds no static state; close it to
 * release the store.
 *
 * <pre>{@code
 * try (Backlog backlog = Backlog.builder().store(new InMemoryBacklogStore(InstantSource.system())).build()) {
 *   backlog.create(NewCard.builder("A1").title("Write the parser").build());
 *   backlog.claimOne("worker-1", Duration.ofMinutes(15))
 *       .ifPresent(claim -> backlog.complete(claim.card().id(), claim.token()));
 * }
 * }</pre>
 */
public final class Backlog implements BacklogOperations, AutoCloseable {

  /** The attempt limit for cards created without {@code maxAttempts}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** The actor recorded on events when none is configured. */
  public static final String DEFAULT_ACTOR = "backlog";

  /** How often, at most, a claim first sweeps lapsed leases, unless configured otherwise. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(1);

  /**
   * The most concurrent single-card calls of one kind that share a store transaction, unless
   * configured otherwise ({@link Builder#maxCoalesced}).
   */
  public static final int DEFAULT_MAX_COALESCED = 64;

  /** The largest {@link Builder#maxCoalesced} accepted. */
  public static final int MAX_MAX_COALESCED = 1_000;

  /**
   * How many coalesced transactions of one kind may run at once, unless configured otherwise
   * ({@link Builder#coalescedInFlight}) or the store prefers another number ({@link
   * BacklogStore#coalescedInFlight}).
   */
  public static final int DEFAULT_COALESCED_IN_FLIGHT = 4;

  /** The largest {@link Builder#coalescedInFlight} accepted. */
  public static final int MAX_COALESCED_IN_FLIGHT = 64;

  private final BacklogStore store;
  private final String actor;
  private final int defaultMaxAttempts;
  private final CommitListeners commitListeners;
  private final boolean closeStore;
  private final Coalescer coalescer;
  private final LeaseSweep sweep;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Set while this thread runs a transaction callback, to refuse accidental nested transactions.
   */
  private final ThreadLocal<Boolean> inCallback = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private Backlog(Builder builder) {
    this.store = builder.store;
    this.actor = builder.actor;
    this.defaultMaxAttempts = builder.defaultMaxAttempts;
    this.commitListeners = new CommitListeners(builder.listener);
    this.sweep = new LeaseSweep(this, builder.clock, builder.sweepInterval);
    this.closeStore = builder.closeStore;
    this.coalescer =
        builder.coalescing ? new Coalescer(this, builder.maxCoalesced, builder.inFlight()) : null;
  }

  /** Starts a builder; {@link Builder#store} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The store behind this backlog. */
  public BacklogStore store() {
    return store;
  }

  /** The attempt limit for cards without their own. */
  public int defaultMaxAttempts() {
    return defaultMaxAttempts;
  }

  /**
   * Runs work in one transaction: everything commits together or nothing does. Actions deferred
   * with {@link BacklogTransaction#afterCommit} run after a successful commit, then the listener is
   * told about the transaction's events.
   */
  public <T> T inTransaction(TransactionWork<T> work) {
    return inTransaction(work, false);
  }

  /**
   * {@link #inTransaction(TransactionWork)} of work that is one claim, one completion or one
   * coalesced batch of either, and nothing else: the store may commit it in the operation's own
   * statement ({@link BacklogStore#inSingleOperation}).
   */
  <T> T inSingleOperation(TransactionWork<T> work) {
    return inTransaction(work, true);
  }

  private <T> T inTransaction(TransactionWork<T> work, boolean singleOperation) {
    Objects.requireNonNull(work, "work");
    ensureOutsideCallback();
    List<Runnable> deferred = new ArrayList<>();
    List<Event> written = new ArrayList<>();
    StoreWork<T> storeWork =
        stx -> {
          // The store may retry; keep only the last attempt's deferred actions and events.
          deferred.clear();
          written.clear();
          BacklogTx tx = new BacklogTx(stx, deferred, actor, defaultMaxAttempts);
          T value;
          inCallback.set(Boolean.TRUE);
          try {
            value = work.run(tx);
          } finally {
            inCallback.set(Boolean.FALSE);
            tx.close();
          }
          written.addAll(stx.writtenEvents());
          return value;
        };
    T result =
        singleOperation ? store.inSingleOperation(storeWork) : store.inTransaction(storeWork);
    commitListeners.committed(deferred, written);
    return result;
  }

  /**
   * Adds a listener besides the one configured on the builder: from now on it receives the events
   * of every transaction this backlog commits, as {@link EventListener} describes (after the
   * commit, on the committing thread, so it must be quick and must not call back into this
   * backlog). A host component that is handed a built backlog (an HTTP server's event stream, say)
   * follows its commits this way. Close the returned handle to remove it.
   */
  public AutoCloseable subscribe(EventListener value) {
    return commitListeners.add(Objects.requireNonNull(value, "listener"));
  }

  @Override
  public Optional<Card> find(CardId id) {
    return inTransaction(tx -> tx.find(id));
  }

  @Override
  public List<Card> list(CardQuery query) {
    return inTransaction(tx -> tx.list(query));
  }

  @Override
  public Card create(NewCard card) {
    return inTransaction(tx -> tx.create(card));
  }

  @Override
  public Card link(CardId from, CardId to) {
    return inTransaction(tx -> tx.link(from, to));
  }

  @Override
  public Card unlink(CardId from, CardId to) {
    return inTransaction(tx -> tx.unlink(from, to));
  }

  /**
   * Claims up to {@code request.limit()} claimable cards, first sweeping lapsed leases when the
   * sweep interval passed. The sweep runs in the claim's own transaction, before the claim (so a
   * card whose lease just lapsed can be claimed again at once, and a one-shot claim costs one
   * transaction); the listener then gets the sweep's events and the claim's in one call. With a
   * positive {@code wait}, waits up to that long for work to become claimable; returns an empty
   * list when none did.
   *
   * <p>With coalescing on (the default), claims that arrive while another claim's transaction is in
   * flight share the next transaction: one sweep, then one claim per waiting request, each with its
   * own cards, tokens and events. A claim that finds none in flight runs at once.
   */
  @Override
  public List<Claim> claim(ClaimRequest request) {
    Objects.requireNonNull(request, "request");
    long deadline = System.nanoTime() + request.maxWait().toNanos();
    while (true) {
      List<Claim> claims;
      if (coalescer == null) {
        claims = sweepThen(tx -> tx.claim(request));
      } else {
        ensureOutsideCallback();
        try {
          claims = coalescer.claim(request);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
      long remaining = deadline - System.nanoTime();
      if (!claims.isEmpty() || remaining <= 0) {
        return claims;
      }
      try {
        store.awaitChange(Duration.ofNanos(remaining));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
  }

  /**
   * The lapsed-lease sweep when it is due, then the work, in one transaction ({@link LeaseSweep}).
   */
  <T> T sweepThen(TransactionWork<T> work) {
    return sweep.then(work);
  }

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl) {
    return inTransaction(tx -> tx.renew(id, token, ttl));
  }

  /**
   * Completes a card whose valid lease is presented. With coalescing on (the default), completions
   * that arrive while another completion's transaction is in flight share the next transaction,
   * each with its own outcome: a stale token refuses only its own call.
   */
  @Override
  public Card complete(CardId id, LeaseToken token) {
    if (coalescer == null) {
      return inSingleOperation(tx -> tx.complete(id, token));
    }
    return coalescedComplete(id, token, null);
  }

  @Override
  public List<Card> completeAll(List<Claim> claims) {
    return inTransaction(tx -> tx.completeAll(claims));
  }

  @Override
  public Card forceComplete(CardId id) {
    return inTransaction(tx -> tx.forceComplete(id));
  }

  @Override
  public Card release(CardId id, LeaseToken token, String reason) {
    return inTransaction(tx -> tx.release(id, token, reason));
  }

  @Override
  public Card fail(CardId id, LeaseToken token, String reason) {
    return inTransaction(tx -> tx.fail(id, token, reason));
  }

  @Override
  public List<CardId> reclaimExpired() {
    return inTransaction(BacklogOperations::reclaimExpired);
  }

  @Override
  public List<CardId> dependents(CardId id) {
    return inTransaction(tx -> tx.dependents(id));
  }

  @Override
  public Card reclaim(CardId id) {
    return inTransaction(tx -> tx.reclaim(id));
  }

  @Override
  public Card block(CardId id, String reason) {
    return inTransaction(tx -> tx.block(id, reason));
  }

  @Override
  public Card unblock(CardId id) {
    return inTransaction(tx -> tx.unblock(id));
  }

  @Override
  public Card reopen(CardId id) {
    return inTransaction(tx -> tx.reopen(id));
  }

  @Override
  public Stats stats() {
    return inTransaction(BacklogOperations::stats);
  }

  @Override
  public Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change) {
    return inTransaction(tx -> tx.renew(id, token, ttl, change));
  }

  /** Like {@link #complete(CardId, LeaseToken)}, keeping evidence; coalesced the same way. */
  @Override
  public Card complete(CardId id, LeaseToken token, String evidence) {
    if (coalescer == null) {
      return inSingleOperation(tx -> tx.complete(id, token, evidence));
    }
    return coalescedComplete(id, token, Run.validEvidence(evidence));
  }

  private Card coalescedComplete(CardId id, LeaseToken token, String evidence) {
    Completion completion =
        new Completion(
            Objects.requireNonNull(id, "id"), Objects.requireNonNull(token, "token"), evidence);
    ensureOutsideCallback();
    try {
      return coalescer.complete(completion);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting to complete card "
              + id
              + "; nothing was done and lease "
              + token
              + " still holds: complete it again",
          e);
    }
  }

  /**
   * What coalescing did so far: transactions, calls, shared transactions and the largest batch for
   * claims and completions; all zero when coalescing is off.
   */
  public CoalescingStats coalescingStats() {
    return coalescer == null
        ? new CoalescingStats(CoalescingStats.Group.NONE, CoalescingStats.Group.NONE)
        : coalescer.stats();
  }

  @Override
  public List<Run> history(CardId id) {
    return inTransaction(tx -> tx.history(id));
  }

  @Override
  public Card defer(CardId id, Instant until) {
    return inTransaction(tx -> tx.defer(id, until));
  }

  @Override
  public Card deferFor(CardId id, Duration duration) {
    return inTransaction(tx -> tx.deferFor(id, duration));
  }

  @Override
  public Card undefer(CardId id) {
    return inTransaction(tx -> tx.undefer(id));
  }

  @Override
  public List<CardId> wakeDeferred() {
    return inTransaction(BacklogOperations::wakeDeferred);
  }

  @Override
  public Explanation explain(CardId id) {
    return inTransaction(tx -> tx.explain(id));
  }

  @Override
  public List<Card> queue(String phase, int limit) {
    return inTransaction(tx -> tx.queue(phase, limit));
  }

  @Override
  public Waves waves(String phase) {
    return inTransaction(tx -> tx.waves(phase));
  }

  @Override
  public Card update(CardId id, CardUpdate update, Long ifVersion) {
    return inTransaction(tx -> tx.update(id, update, ifVersion));
  }

  @Override
  public List<Event> events(EventQuery query) {
    return inTransaction(tx -> tx.events(query));
  }

  /** Closes the store when this backlog owns it (the default). Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && closeStore) {
      store.close();
    }
  }

  private void ensureOutsideCallback() {
    ensureOpen();
    if (inCallback.get()) {
      throw new IllegalStateException(
          "a transaction is already running on this thread; call the methods of the"
              + " BacklogTransaction passed to the callback instead of the Backlog's");
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this backlog is closed; build a new one");
    }
  }

  @Override
  public String toString() {
    return "Backlog[" + store.describe() + "]";
  }

  /** Configures a {@link Backlog}; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private BacklogStore store;
    private InstantSource clock = InstantSource.system();
    private String actor = DEFAULT_ACTOR;
    private int defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS;
    private EventListener listener;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private boolean closeStore = true;
    private boolean coalescing = true;
    private int maxCoalesced = DEFAULT_MAX_COALESCED;

    /** Null: the store's preference ({@link BacklogStore#coalescedInFlight}). */
    private Integer coalescedInFlight;

    /** The coalesced transactions of a kind in flight: as set, else the store's preference. */
    private int inFlight() {
      return coalescedInFlight != null ? coalescedInFlight : store.coalescedInFlight();
    }

    private Builder() {}

    /** The store (required). */
    public Builder store(BacklogStore value) {
      store = value;
      return this;
    }

    /**
     * The clock that paces the lapsed-lease sweep (default: the system clock). Lease expiry uses
     * the store clock.
     */
    public Builder clock(InstantSource value) {
      clock = value;
      return this;
    }

    /**
     * Who events are attributed to (default {@value Backlog#DEFAULT_ACTOR}); claims are attributed
     * to their owner.
     */
    public Builder actor(String value) {
      actor = value;
      return this;
    }

    /**
     * The attempt limit for cards created without one (default {@value
     * Backlog#DEFAULT_MAX_ATTEMPTS}).
     */
    public Builder defaultMaxAttempts(int value) {
      defaultMaxAttempts = value;
      return this;
    }

    /** Receives each committed transaction's events (default: none). */
    public Builder listener(EventListener value) {
      listener = value;
      return this;
    }

    /**
     * Before a claim, reclaim lapsed leases when at least this long passed since the last sweep
     * (default {@link Backlog#DEFAULT_SWEEP_INTERVAL}); null disables the sweep, leaving it to
     * explicit {@link Backlog#reclaimExpired()} calls.
     */
    public Builder sweepInterval(Duration value) {
      sweepInterval = value;
      return this;
    }

    /**
     * Whether concurrent single-card {@link Backlog#claim} and {@link Backlog#complete} calls are
     * coalesced into shared store transactions (default true). A call that finds no transaction of
     * its kind in flight runs at once (no added wait when idle), and while few calls of its kind
     * are made at once it runs at once beside up to {@link #coalescedInFlight} others; under load,
     * calls queue behind the transaction in flight, and when it ends the oldest becomes the leader
     * of one transaction for up to {@link #maxCoalesced} of them. Each caller gets its own result:
     * its own cards and tokens, or its own refusal ({@link LeaseLostException} for a stale token)
     * while the others commit; a failure of the shared transaction (after the store's own retries)
     * reaches every caller in it. {@link Backlog#inTransaction} and {@link BacklogTransaction}
     * calls are never coalesced. With {@code false}, every call runs its own transaction. {@link
     * Backlog#coalescingStats()} shows what was coalesced.
     */
    public Builder coalescing(boolean value) {
      coalescing = value;
      return this;
    }

    /**
     * The most calls of one kind one coalesced transaction serves (default {@value
     * Backlog#DEFAULT_MAX_COALESCED}, at most {@value Backlog#MAX_MAX_COALESCED}).
     */
    public Builder maxCoalesced(int value) {
      maxCoalesced = value;
      return this;
    }

    /**
     * How many transactions of one kind may run at once while that kind is lightly used (default:
     * the store's preference, {@link BacklogStore#coalescedInFlight}, which is {@value
     * Backlog#DEFAULT_COALESCED_IN_FLIGHT} unless the store says otherwise; at most {@value
     * Backlog#MAX_COALESCED_IN_FLIGHT}). While on average no more than this many calls of a kind
     * are in flight or queued as calls arrive, a call runs at once when fewer than this many
     * transactions of its kind are in flight, as without coalescing; above it, one transaction of
     * the kind runs at a time and the calls queued behind it share the next, which makes larger
     * batches. 1 always queues behind the transaction in flight.
     */
    public Builder coalescedInFlight(int value) {
      coalescedInFlight = value;
      return this;
    }

    /** Whether {@link Backlog#close()} closes the store (default true). */
    public Builder closeStore(boolean value) {
      closeStore = value;
      return this;
    }

    /**
     * Builds the backlog.
     *
     * @throws InvalidInputException listing every problem with the configuration
     */
    public Backlog build() {
      List<Violation> problems = new ArrayList<>();
      if (store == null) {
        problems.add(
            new Violation(
                "store", "a store is required; pass one to Backlog.builder().store(...)"));
      }
      if (clock == null) {
        problems.add(
            new Violation("clock", "clock must not be null; leave it out for the system clock"));
      }
      Checks.required(problems, "actor", actor, ClaimRequest.MAX_OWNER, false);
      Checks.range(
          problems, "defaultMaxAttempts", defaultMaxAttempts, 1, NewCard.MAX_MAX_ATTEMPTS, "");
      if (sweepInterval != null && sweepInterval.isNegative()) {
        problems.add(
            new Violation("sweepInterval", "sweepInterval " + sweepInterval + " is negative"));
      }
      Checks.range(
          problems,
          "maxCoalesced",
          maxCoalesced,
          1,
          MAX_MAX_COALESCED,
          " (1 runs every call alone)");
      if (coalescedInFlight != null || store != null) {
        Checks.range(
            problems,
            "coalescedInFlight",
            inFlight(),
            1,
            MAX_COALESCED_IN_FLIGHT,
            coalescedInFlight != null
                ? ""
                : " (the preference of store " + store.describe() + "; set coalescedInFlight)");
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      return new Backlog(this);
    }
  }
}
