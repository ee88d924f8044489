package dev.backlog.tck;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogOperations;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.StoreModel.MCard;
import dev.backlog.tck.StoreModel.MEvent;
import dev.backlog.tck.StoreModel.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * Stateful property of a {@link BacklogStore}: random sequences of create, link, unlink, claim,
 * renew, complete, release, fail, block, unblock, reopen, reclaim (lapsed and forced),
 * force-complete, clock advances and rolled-back transactions, each checked against an
 * independent model of the semantics after every step: statuses, leases and owners, attempts,
 * versions, timestamps, the claimable set and its order, stats, the event stream (types, cards,
 * actors, tokens, consecutive seq) and lease-token monotonicity. A refused operation must raise the
 * exception the model predicts and change nothing.
 *
 * <p>Runs jqwik's default number of tries (1,000 unless the project configures
 * {@code jqwik.tries.default}); a failure is reported with its seed and a shrunk sequence. Stores that
 * are slow per operation can shorten the sequences with {@link #maxOperations()}.
 *
 * <p>Not thread-safe; the engine creates the instance.
 */
public abstract class BacklogStoreModelContract extends StoreContractSupport {

  /** The backlog-wide attempt limit the property runs with (small, so poison-card protection happens). */
  protected static final int DEFAULT_MAX_ATTEMPTS = 2;

  /** How many card ids a sequence uses: {@code c0} … {@code c7}. */
  private static final int CARDS = 8;

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected BacklogStoreModelContract() {
  }

  /** The longest operation sequence one try runs (default 30; lengths are spread evenly from 1). */
  protected int maxOperations() {
    return 30;
  }

  /** Random operation sequences leave the store exactly where the model says, step by step. */
  @Property
  void randomOperationSequencesBehaveLikeTheModel(@ForAll("operations") List<Op> operations) {
    MutableClock clock = newClock();
    BacklogStore store = newStore(clock);
    try (Backlog backlog = backlogOver(store, clock, DEFAULT_MAX_ATTEMPTS)) {
      Run run = new Run(backlog, clock, seqsAreGapFree());
      run.verify("the empty store");
      for (int i = 0; i < operations.size(); i++) {
        run.step(i + 1, operations.get(i));
      }
    } finally {
      store.close();
    }
  }

  // ------------------------------------------------------------------ operations

  /** One generated step; ids and tokens are resolved against the model when it runs. */
  interface Op {
  }

  enum DepTwist { NONE, SELF, UNKNOWN }

  enum TokenChoice { CURRENT, EARLIER, NEVER_ISSUED }

  record Create(int card, int priority, String phase, List<Integer> deps, DepTwist twist, Integer maxAttempts,
      boolean blocked) implements Op {
  }

  record Link(int from, int to) implements Op {
  }

  record Unlink(int from, int to) implements Op {
  }

  record ClaimOp(int owner, int ttlSeconds, String phase, int card, int limit) implements Op {
  }

  record Renew(int card, TokenChoice token, int ttlSeconds) implements Op {
  }

  record Complete(int card, TokenChoice token) implements Op {
  }

  record CompleteAll(List<Integer> cards, List<TokenChoice> tokens) implements Op {
  }

  record Release(int card, TokenChoice token) implements Op {
  }

  record Fail(int card, TokenChoice token) implements Op {
  }

  record Block(int card, String reason) implements Op {
  }

  record Unblock(int card) implements Op {
  }

  record Reopen(int card) implements Op {
  }

  record Reclaim(int card) implements Op {
  }

  record ReclaimExpired() implements Op {
  }

  record ForceComplete(int card) implements Op {
  }

  record Advance(int seconds) implements Op {
  }

  record RolledBack(Op inner) implements Op {
  }

  /** The operation sequences of {@link #randomOperationSequencesBehaveLikeTheModel}. */
  @Provide
  Arbitrary<List<Op>> operations() {
    // Below CARDS: "a card for which the operation makes sense" (the n-th such card); from CARDS up: a
    // raw id, which may not exist or may be in the wrong status, so that refusals are exercised too.
    Arbitrary<Integer> card = uniform(0, 6 * CARDS - 1).map(n -> n < 5 * CARDS ? n % CARDS : CARDS + n % CARDS);
    Arbitrary<Integer> newCard = uniform(0, 13 * CARDS - 1)
        .map(n -> n < 12 * CARDS ? n % CARDS : CARDS + n % CARDS);
    Arbitrary<Integer> rawCard = uniform(0, CARDS - 1);
    Arbitrary<TokenChoice> token = uniform(0, 9)
        .map(n -> n == 3 ? TokenChoice.EARLIER : n == 7 ? TokenChoice.NEVER_ISSUED : TokenChoice.CURRENT);
    Arbitrary<String> phase = uniform(0, 3).map(n -> n == 1 ? "p1" : n == 2 ? "p2" : null);
    Arbitrary<DepTwist> twist = uniform(0, 39)
        .map(n -> n == 17 ? DepTwist.SELF : n == 23 ? DepTwist.UNKNOWN : DepTwist.NONE);
    Arbitrary<Op> create = Combinators.combine(newCard, uniform(0, 2), phase, rawCard.list().ofMaxSize(2), twist,
        uniform(0, 4).map(n -> n <= 2 ? null : n - 2), uniform(0, 5).map(n -> n == 0)).as(Create::new);
    Arbitrary<Op> link = Combinators.combine(rawCard, rawCard).as(Link::new);
    Arbitrary<Op> unlink = Combinators.combine(rawCard, rawCard).as(Unlink::new);
    Arbitrary<Op> claim = Combinators.combine(uniform(0, 2), uniform(1, 120),
        uniform(0, 9).map(n -> n == 1 ? "p1" : n == 2 ? "p2" : null),
        uniform(0, 4 * CARDS - 1).map(n -> n < CARDS ? n : n < CARDS + 2 ? n : -1), uniform(1, 3))
        .as(ClaimOp::new);
    Arbitrary<Op> renew = Combinators.combine(card, token, uniform(1, 120)).as(Renew::new);
    Arbitrary<Op> complete = Combinators.combine(card, token).as(Complete::new);
    Arbitrary<Op> completeAll = Combinators.combine(card.list().ofMinSize(1).ofMaxSize(3),
        token.list().ofMinSize(3).ofMaxSize(3)).as(CompleteAll::new);
    Arbitrary<Op> release = Combinators.combine(card, token).as(Release::new);
    Arbitrary<Op> fail = Combinators.combine(card, token).as(Fail::new);
    Arbitrary<Op> block = Combinators.combine(card, uniform(0, 1).map(n -> n == 0 ? null : "hold")).as(Block::new);
    Arbitrary<Op> unblock = card.map(Unblock::new);
    Arbitrary<Op> reopen = card.map(Reopen::new);
    Arbitrary<Op> reclaim = card.map(Reclaim::new);
    Arbitrary<Op> reclaimExpired = Arbitraries.just(new ReclaimExpired());
    Arbitrary<Op> forceComplete = card.map(ForceComplete::new);
    Arbitrary<Op> advance = uniform(1, 90).map(Advance::new);
    Arbitrary<Op> rolledBack = Arbitraries.oneOf(create, link, claim, complete, completeAll, fail, block, reopen,
        reclaimExpired)
        .map(RolledBack::new);
    // Weighted choice by a uniform number without edge cases: edge cases (and jqwik's frequency
    // arbitraries) favour the first entries, which would make most steps creates.
    List<Arbitrary<Op>> weighted = new ArrayList<>();
    addWeighted(weighted, 6, create);
    addWeighted(weighted, 3, link);
    addWeighted(weighted, 1, unlink);
    addWeighted(weighted, 8, claim);
    addWeighted(weighted, 2, renew);
    addWeighted(weighted, 5, complete);
    addWeighted(weighted, 2, completeAll);
    addWeighted(weighted, 2, release);
    addWeighted(weighted, 3, fail);
    addWeighted(weighted, 1, block);
    addWeighted(weighted, 1, unblock);
    addWeighted(weighted, 1, reopen);
    addWeighted(weighted, 1, reclaim);
    addWeighted(weighted, 2, reclaimExpired);
    addWeighted(weighted, 1, forceComplete);
    addWeighted(weighted, 4, advance);
    addWeighted(weighted, 1, rolledBack);
    Arbitrary<Op> any = uniform(0, weighted.size() - 1).flatMap(weighted::get).withoutEdgeCases();
    return any.list().ofMinSize(1).ofMaxSize(maxOperations()).withSizeDistribution(RandomDistribution.uniform());
  }

  private static void addWeighted(List<Arbitrary<Op>> weighted, int weight, Arbitrary<Op> op) {
    for (int i = 0; i < weight; i++) {
      weighted.add(op);
    }
  }

  private static Arbitrary<Integer> uniform(int min, int max) {
    return Arbitraries.integers().between(min, max).withDistribution(RandomDistribution.uniform())
        .withoutEdgeCases();
  }

  // ------------------------------------------------------------------ the run

  /** Marks the deliberate failure that rolls a transaction back. */
  private static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abort() {
      super("deliberate rollback", null, false, false);
    }
  }

  /** One try: the backlog under test, its clock and the model it must follow. */
  private static final class Run {
    private final Backlog backlog;
    private final MutableClock clock;
    private final StoreModel model = new StoreModel(DEFAULT_MAX_ATTEMPTS);
    private final boolean gapFree;
    private long seenEvents;
    private long lastSeq;

    Run(Backlog backlog, MutableClock clock, boolean gapFree) {
      this.backlog = backlog;
      this.clock = clock;
      this.gapFree = gapFree;
    }

    private static final Predicate<MCard> CLAIMED = c -> c.status == CardStatus.CLAIMED;

    private static String id(int card) {
      return "c" + card;
    }

    /**
     * Below {@code CARDS}: the n-th (modulo) existing card that passes the filter, else the raw id;
     * from {@code CARDS} up: the raw id {@code c(n - CARDS)}.
     */
    private String pick(int card, Predicate<MCard> filter) {
      if (card >= CARDS) {
        return id(card - CARDS);
      }
      List<String> fitting = model.cards.values().stream().filter(filter).map(c -> c.id).toList();
      return fitting.isEmpty() ? id(card) : fitting.get(card % fitting.size());
    }

    /** Below {@code CARDS}: the first free id from c(n) on; from {@code CARDS} up: the raw id (maybe taken). */
    private String freeId(int card) {
      if (card >= CARDS) {
        return id(card - CARDS);
      }
      for (int i = 0; i < CARDS; i++) {
        String candidate = id((card + i) % CARDS);
        if (!model.cards.containsKey(candidate)) {
          return candidate;
        }
      }
      return id(card);
    }

    private long token(String card, TokenChoice choice) {
      MCard c = model.cards.get(card);
      long neverIssued = model.maxToken + 1000;
      if (c == null || choice == TokenChoice.NEVER_ISSUED) {
        return neverIssued;
      }
      if (choice == TokenChoice.CURRENT && c.lease != null) {
        return c.lease.token();
      }
      for (int i = c.tokens.size() - 1; i >= 0; i--) {
        if (c.lease == null || c.tokens.get(i) != c.lease.token()) {
          return c.tokens.get(i);
        }
      }
      return model.maxToken > 0 ? model.maxToken : neverIssued;
    }

    void step(int number, Op op) {
      String where = "step " + number + " " + op;
      if (op instanceof Advance a) {
        clock.advance(Duration.ofSeconds(a.seconds()));
        verify(where);
        return;
      }
      if (op instanceof RolledBack r) {
        Op inner = r.inner();
        RuntimeException thrown = null;
        try {
          backlog.inTransaction(tx -> {
            perform(inner, tx, false);
            throw new Abort();
          });
        } catch (RuntimeException e) {
          thrown = e;
        }
        if (thrown == null) {
          throw new AssertionError(where + ": the transaction should have failed");
        }
        verify(where + " (rolled back)");
        return;
      }
      perform(op, backlog, true);
      verify(where);
    }

    /**
     * Runs the operation against the model and the store; with {@code compare}, checks that the store
     * refuses exactly when the model does. Without it (inside a transaction that is rolled back) the
     * model is left alone and the store's outcome is ignored.
     */
    private void perform(Op op, BacklogOperations ops, boolean compare) {
      Instant now = clock.instant();
      Runnable modelStep;
      Function<BacklogOperations, Object> storeStep;
      if (op instanceof Create c) {
        String id = freeId(c.card());
        Set<String> deps = new TreeSet<>();
        for (int d : c.deps()) {
          if (!id(d).equals(id) && model.cards.containsKey(id(d))) {
            deps.add(id(d));
          }
        }
        if (c.twist() == DepTwist.SELF) {
          deps.add(id);
        } else if (c.twist() == DepTwist.UNKNOWN) {
          deps.add("ghost");
        }
        String reason = c.blocked() && c.priority() == 1 ? "parked" : null;
        NewCard.Builder builder = NewCard.builder(id).title("card " + id).priority(c.priority()).phase(c.phase())
            .dependsOn(deps).maxAttempts(c.maxAttempts());
        if (c.blocked()) {
          builder.blocked(reason);
        }
        NewCard request = builder.build();
        modelStep = () -> model.create(id, c.phase(), c.priority(), deps, c.maxAttempts(), c.blocked(), reason, now);
        storeStep = b -> b.create(request);
      } else if (op instanceof Link l) {
        String from = id(l.from());
        String to = id(l.to());
        modelStep = () -> model.link(from, to, now);
        storeStep = b -> b.link(CardId.of(from), CardId.of(to));
      } else if (op instanceof Unlink u) {
        String from = pick(u.from(), c -> !c.deps.isEmpty());
        MCard card = model.cards.get(from);
        String to = card == null || card.deps.isEmpty() || u.to() % 2 == 1 ? id(u.to())
            : List.copyOf(card.deps).get(u.to() % card.deps.size());
        modelStep = () -> model.unlink(from, to, now);
        storeStep = b -> b.unlink(CardId.of(from), CardId.of(to));
      } else if (op instanceof ClaimOp c) {
        claim(c, ops, compare, now);
        return;
      } else if (op instanceof Renew r) {
        String id = pick(r.card(), CLAIMED);
        long t = token(id, r.token());
        Duration ttl = Duration.ofSeconds(r.ttlSeconds());
        modelStep = () -> model.renew(id, t, ttl, now);
        storeStep = b -> b.renew(CardId.of(id), LeaseToken.of(t), ttl);
      } else if (op instanceof Complete c) {
        String id = pick(c.card(), CLAIMED);
        long t = token(id, c.token());
        modelStep = () -> model.complete(id, t, now);
        storeStep = b -> b.complete(CardId.of(id), LeaseToken.of(t));
      } else if (op instanceof CompleteAll c) {
        // Distinct cards (a card given twice is refused before the store sees the batch; the contract tests that).
        List<String> ids = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < c.cards().size(); i++) {
          String id = pick(c.cards().get(i), CLAIMED);
          if (!ids.contains(id)) {
            ids.add(id);
            tokens.add(token(id, c.tokens().get(i)));
          }
        }
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          // The store reads only each claim's card id and token.
          Lease lease = new Lease("w", LeaseToken.of(tokens.get(i)), now, now.plusSeconds(1));
          Card stub = Card.builder().id(CardId.of(ids.get(i))).title("t").status(CardStatus.CLAIMED).lease(lease)
              .createdAt(now).updatedAt(now).build();
          claims.add(new Claim(stub, lease));
        }
        modelStep = () -> model.completeAll(ids, tokens, now);
        storeStep = b -> b.completeAll(claims);
      } else if (op instanceof Release r) {
        String id = pick(r.card(), CLAIMED);
        long t = token(id, r.token());
        modelStep = () -> model.release(id, t, now);
        storeStep = b -> b.release(CardId.of(id), LeaseToken.of(t));
      } else if (op instanceof Fail f) {
        String id = pick(f.card(), CLAIMED);
        long t = token(id, f.token());
        modelStep = () -> model.fail(id, t, now);
        storeStep = b -> b.fail(CardId.of(id), LeaseToken.of(t), "failed in step");
      } else if (op instanceof Block b) {
        String id = pick(b.card(), c -> c.status == CardStatus.READY || c.status == CardStatus.CLAIMED);
        modelStep = () -> model.block(id, b.reason(), now);
        storeStep = ops2 -> ops2.block(CardId.of(id), b.reason());
      } else if (op instanceof Unblock u) {
        String id = pick(u.card(), c -> c.status == CardStatus.BLOCKED);
        modelStep = () -> model.unblock(id, now);
        storeStep = b -> b.unblock(CardId.of(id));
      } else if (op instanceof Reopen r) {
        String id = pick(r.card(), c -> c.status == CardStatus.DONE);
        modelStep = () -> model.reopen(id, now);
        storeStep = b -> b.reopen(CardId.of(id));
      } else if (op instanceof Reclaim r) {
        String id = pick(r.card(), CLAIMED);
        modelStep = () -> model.reclaim(id, now);
        storeStep = b -> b.reclaim(CardId.of(id));
      } else if (op instanceof ForceComplete f) {
        String id = pick(f.card(), c -> c.status != CardStatus.DONE);
        modelStep = () -> model.forceComplete(id, now);
        storeStep = b -> b.forceComplete(CardId.of(id));
      } else if (op instanceof ReclaimExpired) {
        List<String> expected = new ArrayList<>();
        modelStep = () -> expected.addAll(model.reclaimExpired(now));
        storeStep = b -> {
          List<String> actual = b.reclaimExpired().stream().map(CardId::value).toList();
          if (compare && !actual.equals(expected)) {
            throw new AssertionError("reclaimExpired returned " + actual + " but the lapsed leases were " + expected);
          }
          return actual;
        };
      } else {
        throw new IllegalArgumentException("unknown operation " + op);
      }
      if (!compare) {
        storeStep.apply(ops);
        return;
      }
      Refusal refusal = null;
      try {
        modelStep.run();
      } catch (Refusal r) {
        refusal = r;
      }
      RuntimeException thrown = null;
      Object result = null;
      try {
        result = storeStep.apply(ops);
      } catch (RuntimeException e) {
        thrown = e;
      }
      expectOutcome(op, refusal, thrown);
      Statistics.label("operations").collect(op.getClass().getSimpleName(), refusal == null ? "applied" : "refused");
      if (result instanceof Card card) {
        compareCard(model.cards.get(card.id().value()), card, "the card returned by " + op);
      }
    }

    private void claim(ClaimOp c, BacklogOperations ops, boolean compare, Instant now) {
      String owner = "w" + c.owner();
      Duration ttl = Duration.ofSeconds(c.ttlSeconds());
      String byId = c.card() < 0 ? null : pick(c.card(), model::claimable);
      ClaimRequest.Builder request = ClaimRequest.builder(owner).ttl(ttl).phase(c.phase()).limit(c.limit());
      if (byId != null) {
        request.card(CardId.of(byId));
      }
      if (!compare) {
        ops.claim(request.build());
        return;
      }
      List<String> plan;
      Refusal refusal = null;
      try {
        plan = model.planClaim(c.phase(), byId, c.limit());
      } catch (Refusal r) {
        refusal = r;
        plan = List.of();
      }
      List<Claim> claims = List.of();
      RuntimeException thrown = null;
      try {
        claims = ops.claim(request.build());
      } catch (RuntimeException e) {
        thrown = e;
      }
      expectOutcome(c, refusal, thrown);
      Statistics.label("operations").collect("Claim", refusal != null ? "refused" : claims.size() + " claimed");
      List<String> got = claims.stream().map(x -> x.card().id().value()).toList();
      if (!got.equals(plan)) {
        throw new AssertionError(c + " claimed " + got + " but the claimable cards in claim order were " + plan);
      }
      for (Claim claim : claims) {
        if (!claim.lease().owner().equals(owner)) {
          throw new AssertionError("claim by " + owner + " returned a lease owned by " + claim.lease().owner());
        }
        model.applyClaim(claim.card().id().value(), owner, claim.token().value(), ttl, now);
        compareCard(model.cards.get(claim.card().id().value()), claim.card(), "the claimed card");
      }
    }

    private static void expectOutcome(Op op, Refusal refusal, RuntimeException thrown) {
      if (refusal == null && thrown != null) {
        throw new AssertionError(op + " should have succeeded but raised " + thrown, thrown);
      }
      if (refusal != null) {
        if (thrown == null) {
          throw new AssertionError(op + " should have been refused (" + refusal.getMessage() + ") but succeeded");
        }
        if (refusal.accepted.stream().noneMatch(t -> t.isInstance(thrown))) {
          throw new AssertionError(op + " should have raised one of " + refusal.accepted + " ("
              + refusal.getMessage() + ") but raised " + thrown, thrown);
        }
        refusal.check.accept(thrown);
      }
    }

    // ---------------------------------------------------------------- comparison

    void verify(String where) {
      try {
        compareState();
      } catch (AssertionError e) {
        throw new AssertionError("after " + where + ": " + e.getMessage(), e);
      }
    }

    private void compareState() {
      Instant now = clock.instant();
      List<Card> all = backlog.list(CardQuery.ALL);
      List<String> expectedOrder = model.inClaimOrder().stream().map(c -> c.id).toList();
      List<String> actualOrder = all.stream().map(c -> c.id().value()).toList();
      equal(expectedOrder, actualOrder, "cards in claim order");
      for (Card card : all) {
        compareCard(model.cards.get(card.id().value()), card, "card " + card.id());
      }
      equal(model.claimableIds(), backlog.list(new CardQuery(null, null, true, CardQuery.MAX_LIMIT)).stream()
          .map(c -> c.id().value()).toList(), "claimable cards in claim order");

      Stats stats = backlog.stats();
      equal(model.counts(c -> true), stats.counts(), "stats counts");
      equal((long) model.cards.size(), stats.total(), "stats total");
      equal((long) model.claimableIds().size(), stats.claimable(), "stats claimable");
      equal(model.expiredLeases(now), stats.expiredLeaseCount(), "stats expired leases");
      equal(model.oldestClaimableAge(now), stats.oldestClaimableAge(), "stats oldest claimable age");
      equal(new TreeMap<>(model.byPhase()), new TreeMap<>(stats.byPhase()), "stats by phase");

      List<Event> fresh = backlog.events(EventQuery.after(lastSeq, EventQuery.MAX_LIMIT));
      List<MEvent> expected = model.events.subList((int) seenEvents, model.events.size());
      List<MEvent> actual = fresh.stream().map(e -> new MEvent(e.cardId().value(), e.type(), e.actor(),
          e.leaseToken() == null ? null : e.leaseToken().value())).toList();
      equal(expected, actual, "new events (card, type, actor, token)");
      for (Event event : fresh) {
        seenEvents++;
        if (gapFree) {
          equal(seenEvents, event.seq(), "event seq (consecutive from 1)");
        } else if (event.seq() <= lastSeq) {
          throw new AssertionError("event seq " + event.seq() + " does not increase after " + lastSeq);
        }
        lastSeq = event.seq();
      }
    }

    private static void compareCard(MCard expected, Card actual, String what) {
      if (expected == null) {
        throw new AssertionError(what + ": the store has card " + actual.id() + " which the model does not");
      }
      equal(expected.status, actual.status(), what + " status");
      equal(expected.attempts, actual.attempts(), what + " attempts");
      equal(expected.priority, actual.priority(), what + " priority");
      equal(expected.phase, actual.phase(), what + " phase");
      equal(expected.maxAttempts, actual.maxAttempts(), what + " maxAttempts");
      equal(List.copyOf(expected.deps), actual.dependsOn().stream().map(CardId::value).toList(), what + " dependsOn");
      equal(expected.version, actual.version(), what + " version");
      equal(expected.createdAt, actual.createdAt(), what + " createdAt");
      equal(expected.updatedAt, actual.updatedAt(), what + " updatedAt");
      if (expected.lease == null) {
        equal(null, actual.lease(), what + " lease");
      } else {
        if (actual.lease() == null) {
          throw new AssertionError(what + ": expected lease " + expected.lease + " but the card has none");
        }
        equal(expected.lease.owner(), actual.lease().owner(), what + " lease owner");
        equal(expected.lease.token(), actual.lease().token().value(), what + " lease token");
        equal(expected.lease.claimedAt(), actual.lease().claimedAt(), what + " lease claimedAt");
        equal(expected.lease.expiresAt(), actual.lease().expiresAt(), what + " lease expiresAt");
      }
      if (Objects.equals(expected.blockedReason, StoreModel.ANY_REASON)) {
        if (actual.blockedReason() == null || actual.blockedReason().isBlank()) {
          throw new AssertionError(what + ": a card blocked by poison-card protection must say why");
        }
      } else {
        equal(expected.blockedReason, actual.blockedReason(), what + " blockedReason");
      }
    }

    private static void equal(Object expected, Object actual, String what) {
      if (!Objects.equals(expected, actual)) {
        throw new AssertionError(what + ": expected " + expected + " but the store has " + actual);
      }
    }
  }
}
