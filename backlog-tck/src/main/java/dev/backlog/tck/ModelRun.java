package dev.backlog.tck;

import static dev.backlog.tck.BacklogStoreModelContract.DEFAULT_MAX_ATTEMPTS;
import static dev.backlog.tck.CardPicker.CLAIMED;
import static dev.backlog.tck.CardPicker.id;
import static dev.backlog.tck.ModelChecks.compareCard;
import static dev.backlog.tck.ModelChecks.equal;
import static dev.backlog.tck.ModelChecks.expectOutcome;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogOperations;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.Explanation;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import dev.backlog.tck.ModelOperations.Advance;
import dev.backlog.tck.ModelOperations.Block;
import dev.backlog.tck.ModelOperations.ClaimOp;
import dev.backlog.tck.ModelOperations.Complete;
import dev.backlog.tck.ModelOperations.CompleteAll;
import dev.backlog.tck.ModelOperations.Create;
import dev.backlog.tck.ModelOperations.Defer;
import dev.backlog.tck.ModelOperations.DepTwist;
import dev.backlog.tck.ModelOperations.Fail;
import dev.backlog.tck.ModelOperations.ForceComplete;
import dev.backlog.tck.ModelOperations.Link;
import dev.backlog.tck.ModelOperations.Op;
import dev.backlog.tck.ModelOperations.Reclaim;
import dev.backlog.tck.ModelOperations.ReclaimExpired;
import dev.backlog.tck.ModelOperations.Release;
import dev.backlog.tck.ModelOperations.Renew;
import dev.backlog.tck.ModelOperations.Reopen;
import dev.backlog.tck.ModelOperations.RolledBack;
import dev.backlog.tck.ModelOperations.Unblock;
import dev.backlog.tck.ModelOperations.Undefer;
import dev.backlog.tck.ModelOperations.Unlink;
import dev.backlog.tck.ModelOperations.Update;
import dev.backlog.tck.ModelOperations.WakeDeferred;
import dev.backlog.tck.ModelOperations.Wave;
import dev.backlog.tck.StoreModel.MCard;
import dev.backlog.tck.StoreModel.MEvent;
import dev.backlog.tck.StoreModel.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import net.jqwik.api.statistics.Statistics;

/**
 * One try of {@link BacklogStoreModelContract}'s property: the backlog under test, its clock and
 * the model it must follow. Runs each step against both and compares them after every step.
 *
 * <p>Not thread-safe; one try runs on one thread.
 */
final class ModelRun {

  /** Marks the deliberate failure that rolls a transaction back. */
  private static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abort() {
      super("deliberate rollback", null, false, false);
    }
  }

  private final Backlog backlog;
  private final MutableClock clock;
  private final StoreModel model = new StoreModel(DEFAULT_MAX_ATTEMPTS);
  private final ModelScheduling scheduling = new ModelScheduling(model);
  private final CardPicker picker = new CardPicker(model);
  private final boolean gapFree;
  private final ModelWaveRunner waves;
  private long seenEvents;
  private long lastSeq;

  ModelRun(Backlog backlog, MutableClock clock, boolean gapFree) {
    this(backlog, clock, gapFree, null);
  }

  /** A run that can also play {@link Wave}s, through a coalescing backlog over a gated store. */
  ModelRun(Backlog backlog, MutableClock clock, boolean gapFree, ModelWaveRunner waves) {
    this.backlog = backlog;
    this.clock = clock;
    this.gapFree = gapFree;
    this.waves = waves;
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
        backlog.inTransaction(
            tx -> {
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
    if (op instanceof Wave w) {
      wave(w, where);
      verify(where);
      return;
    }
    perform(op, backlog, true);
    verify(where);
  }

  /**
   * Plays a wave: every call is chosen against the model as it stands, the calls run at once as
   * workers sharing one coalesced transaction, then the model follows them in their queue order.
   */
  @SuppressWarnings("unchecked")
  private void wave(Wave w, String where) {
    if (waves == null) {
      throw new IllegalStateException(where + ": waves need a coalescing backlog");
    }
    Instant now = clock.instant();
    List<Object> prepared = new ArrayList<>();
    List<Callable<Object>> calls = new ArrayList<>();
    for (Op op : w.calls()) {
      if (op instanceof ClaimOp c) {
        PreparedClaim p = prepareClaim(c);
        prepared.add(p);
        calls.add(() -> backlog.claim(p.request()));
      } else {
        Prepared p = prepare(op, now, true);
        prepared.add(p);
        calls.add(() -> p.store().apply(backlog));
      }
    }
    List<Object> outcomes;
    try {
      outcomes = waves.run(calls, w.calls().get(0) instanceof ClaimOp);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(where + ": interrupted", e);
    }
    for (int i = 0; i < outcomes.size(); i++) {
      Object outcome = outcomes.get(i);
      Supplier<Object> recorded =
          () -> {
            if (outcome instanceof RuntimeException e) {
              throw e;
            }
            if (outcome instanceof Error e) {
              throw e;
            }
            return outcome;
          };
      if (prepared.get(i) instanceof PreparedClaim p) {
        finishClaim(p, null, () -> (List<Claim>) recorded.get(), now);
      } else {
        finish(w.calls().get(i), ((Prepared) prepared.get(i)).model(), recorded);
      }
    }
    Statistics.label("waves").collect(w.calls().get(0).getClass().getSimpleName());
  }

  /**
   * Runs the operation against the model and the store; with {@code compare}, checks that the store
   * refuses exactly when the model does. Without it (inside a transaction that is rolled back) the
   * model is left alone and the store's outcome is ignored.
   */
  private void perform(Op op, BacklogOperations ops, boolean compare) {
    Instant now = clock.instant();
    if (op instanceof ClaimOp c) {
      claim(c, ops, compare, now);
      return;
    }
    Prepared step = prepare(op, now, compare);
    if (!compare) {
      step.store().apply(ops);
      return;
    }
    finish(op, step.model(), () -> step.store().apply(ops));
  }

  /** What one operation does to the model and to the store. */
  private record Prepared(Runnable model, Function<BacklogOperations, Object> store) {}

  private Prepared prepare(Op op, Instant now, boolean compare) {
    Runnable modelStep;
    Function<BacklogOperations, Object> storeStep;
    if (op instanceof Create c) {
      String id = picker.freeId(c.card());
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
      NewCard.Builder builder =
          NewCard.builder(id)
              .title("card " + id)
              .priority(c.priority())
              .phase(c.phase())
              .dependsOn(deps)
              .maxAttempts(c.maxAttempts());
      if (c.blocked()) {
        builder.blocked(reason);
      }
      NewCard request = builder.build();
      modelStep =
          () ->
              model.create(
                  id, c.phase(), c.priority(), deps, c.maxAttempts(), c.blocked(), reason, now);
      storeStep = b -> b.create(request);
    } else if (op instanceof Link l) {
      String from = id(l.from());
      String to = id(l.to());
      modelStep = () -> model.link(from, to, now);
      storeStep = b -> b.link(CardId.of(from), CardId.of(to));
    } else if (op instanceof Unlink u) {
      String from = picker.pick(u.from(), c -> !c.deps.isEmpty());
      MCard card = model.cards.get(from);
      String to =
          card == null || card.deps.isEmpty() || u.to() % 2 == 1
              ? id(u.to())
              : List.copyOf(card.deps).get(u.to() % card.deps.size());
      modelStep = () -> model.unlink(from, to, now);
      storeStep = b -> b.unlink(CardId.of(from), CardId.of(to));
    } else if (op instanceof Renew r) {
      String id = picker.pick(r.card(), CLAIMED);
      long t = picker.token(id, r.token());
      Duration ttl = Duration.ofSeconds(r.ttlSeconds());
      TreeMap<String, String> attributes = ModelOperations.attributes(r.attrs());
      modelStep = () -> model.renew(id, t, ttl, r.leasePhase(), attributes, now);
      storeStep =
          b ->
              b.renew(
                  CardId.of(id), LeaseToken.of(t), ttl, LeaseChange.of(r.leasePhase(), attributes));
    } else if (op instanceof Complete c) {
      String id = picker.pick(c.card(), CLAIMED);
      long t = picker.token(id, c.token());
      String evidence = c.evidence() ? "{\"step\":\"" + id + "\"}" : null;
      modelStep = () -> model.complete(id, t, evidence, now);
      storeStep = b -> b.complete(CardId.of(id), LeaseToken.of(t), evidence);
    } else if (op instanceof Defer d) {
      String id = picker.pick(d.card(), c -> c.status == CardStatus.READY);
      Instant until = now.plusSeconds(d.seconds());
      modelStep = () -> scheduling.defer(id, until, now);
      storeStep = b -> b.defer(CardId.of(id), until);
    } else if (op instanceof Undefer u) {
      String id = picker.pick(u.card(), c -> c.notBefore != null);
      modelStep = () -> scheduling.undefer(id, now);
      storeStep = b -> b.undefer(CardId.of(id));
    } else if (op instanceof WakeDeferred) {
      List<String> expected = new ArrayList<>();
      modelStep = () -> expected.addAll(scheduling.wakeDeferred(now));
      storeStep =
          b -> {
            List<String> actual = b.wakeDeferred().stream().map(CardId::value).toList();
            if (compare && !actual.equals(expected)) {
              throw new AssertionError(
                  "wakeDeferred returned "
                      + actual
                      + " but the run-out deferrals were "
                      + expected);
            }
            return actual;
          };
    } else if (op instanceof Update u) {
      String id = picker.pick(u.card(), c -> true);
      MCard card = model.cards.get(id);
      long current = card == null ? 1 : card.version;
      Long ifVersion = u.version() == 0 ? null : u.version() == 1 ? current : current + 1;
      CardUpdate.Builder update = CardUpdate.builder();
      if (u.priority() != null) {
        update.priority(u.priority());
      }
      if (u.phase() != null) {
        update.phase(u.phase());
      }
      CardUpdate built = update.build();
      modelStep = () -> scheduling.update(id, u.priority(), u.phase(), ifVersion, now);
      storeStep = b -> b.update(CardId.of(id), built, ifVersion);
    } else if (op instanceof CompleteAll c) {
      // Distinct cards (a card given twice is refused before the store sees the batch; the contract
      // tests that).
      List<String> ids = new ArrayList<>();
      List<Long> tokens = new ArrayList<>();
      for (int i = 0; i < c.cards().size(); i++) {
        String id = picker.pick(c.cards().get(i), CLAIMED);
        if (!ids.contains(id)) {
          ids.add(id);
          tokens.add(picker.token(id, c.tokens().get(i)));
        }
      }
      List<Claim> claims = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        // The store reads only each claim's card id and token.
        Lease lease = new Lease("w", LeaseToken.of(tokens.get(i)), now, now.plusSeconds(1));
        Card stub =
            Card.builder()
                .id(CardId.of(ids.get(i)))
                .title("t")
                .status(CardStatus.CLAIMED)
                .lease(lease)
                .createdAt(now)
                .updatedAt(now)
                .build();
        claims.add(new Claim(stub, lease));
      }
      modelStep = () -> model.completeAll(ids, tokens, now);
      storeStep = b -> b.completeAll(claims);
    } else if (op instanceof Release r) {
      String id = picker.pick(r.card(), CLAIMED);
      long t = picker.token(id, r.token());
      modelStep = () -> model.release(id, t, now);
      storeStep = b -> b.release(CardId.of(id), LeaseToken.of(t));
    } else if (op instanceof Fail f) {
      String id = picker.pick(f.card(), CLAIMED);
      long t = picker.token(id, f.token());
      modelStep = () -> model.fail(id, t, now);
      storeStep = b -> b.fail(CardId.of(id), LeaseToken.of(t), "failed in step");
    } else if (op instanceof Block b) {
      String id =
          picker.pick(
              b.card(), c -> c.status == CardStatus.READY || c.status == CardStatus.CLAIMED);
      modelStep = () -> model.block(id, b.reason(), now);
      storeStep = ops2 -> ops2.block(CardId.of(id), b.reason());
    } else if (op instanceof Unblock u) {
      String id = picker.pick(u.card(), c -> c.status == CardStatus.BLOCKED);
      modelStep = () -> model.unblock(id, now);
      storeStep = b -> b.unblock(CardId.of(id));
    } else if (op instanceof Reopen r) {
      String id = picker.pick(r.card(), c -> c.status == CardStatus.DONE);
      modelStep = () -> model.reopen(id, now);
      storeStep = b -> b.reopen(CardId.of(id));
    } else if (op instanceof Reclaim r) {
      String id = picker.pick(r.card(), CLAIMED);
      modelStep = () -> model.reclaim(id, now);
      storeStep = b -> b.reclaim(CardId.of(id));
    } else if (op instanceof ForceComplete f) {
      String id = picker.pick(f.card(), c -> c.status != CardStatus.DONE);
      modelStep = () -> model.forceComplete(id, now);
      storeStep = b -> b.forceComplete(CardId.of(id));
    } else if (op instanceof ReclaimExpired) {
      List<String> expected = new ArrayList<>();
      modelStep = () -> expected.addAll(model.reclaimExpired(now));
      storeStep =
          b -> {
            List<String> actual = b.reclaimExpired().stream().map(CardId::value).toList();
            if (compare && !actual.equals(expected)) {
              throw new AssertionError(
                  "reclaimExpired returned " + actual + " but the lapsed leases were " + expected);
            }
            return actual;
          };
    } else {
      throw new IllegalArgumentException("unknown operation " + op);
    }
    return new Prepared(modelStep, storeStep);
  }

  /** Runs the model step, then takes the store's outcome, and compares them. */
  private void finish(Op op, Runnable modelStep, Supplier<Object> storeStep) {
    Refusal refusal = null;
    try {
      modelStep.run();
    } catch (Refusal r) {
      refusal = r;
    }
    RuntimeException thrown = null;
    Object result = null;
    try {
      result = storeStep.get();
    } catch (RuntimeException e) {
      thrown = e;
    }
    expectOutcome(op, refusal, thrown);
    Statistics.label("operations")
        .collect(op.getClass().getSimpleName(), refusal == null ? "applied" : "refused");
    if (result instanceof Card card) {
      compareCard(model.cards.get(card.id().value()), card, "the card returned by " + op);
    }
  }

  /** A claim step's request, chosen against the model before the store runs it. */
  private record PreparedClaim(
      ClaimOp op,
      String owner,
      Duration ttl,
      String byId,
      TreeMap<String, String> attributes,
      ClaimRequest request) {}

  private PreparedClaim prepareClaim(ClaimOp c) {
    String owner = "w" + c.owner();
    Duration ttl = Duration.ofSeconds(c.ttlSeconds());
    String byId = c.card() < 0 ? null : picker.pick(c.card(), model::claimable);
    TreeMap<String, String> attributes = ModelOperations.attributes(c.attrs());
    ClaimRequest.Builder request =
        ClaimRequest.builder(owner)
            .ttl(ttl)
            .phase(c.phase())
            .limit(c.limit())
            .leasePhase(c.leasePhase())
            .attributes(attributes);
    if (byId != null) {
      request.card(CardId.of(byId));
    }
    return new PreparedClaim(c, owner, ttl, byId, attributes, request.build());
  }

  private void claim(ClaimOp c, BacklogOperations ops, boolean compare, Instant now) {
    PreparedClaim p = prepareClaim(c);
    if (!compare) {
      ops.claim(p.request());
      return;
    }
    // Explain agrees with claim: the card explained claimable with rank 1 is what a claim without
    // a phase or a card takes next.
    String rankOne = null;
    if (c.phase() == null && p.byId() == null) {
      List<Card> next = backlog.queue(null, 1);
      if (!next.isEmpty()) {
        Explanation first = backlog.explain(next.get(0).id());
        if (!first.claimable() || first.rank() != 1) {
          throw new AssertionError("the head of the queue is explained as " + first);
        }
        rankOne = first.id().value();
      }
    }
    finishClaim(p, rankOne, () -> ops.claim(p.request()), now);
  }

  /** Plans the claim on the model, takes the store's claims and compares them. */
  private void finishClaim(
      PreparedClaim p, String rankOne, Supplier<List<Claim>> storeStep, Instant now) {
    ClaimOp c = p.op();
    String owner = p.owner();
    Duration ttl = p.ttl();
    String byId = p.byId();
    TreeMap<String, String> attributes = p.attributes();
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
      claims = storeStep.get();
    } catch (RuntimeException e) {
      thrown = e;
    }
    expectOutcome(c, refusal, thrown);
    Statistics.label("operations")
        .collect("Claim", refusal != null ? "refused" : claims.size() + " claimed");
    List<String> got = claims.stream().map(x -> x.card().id().value()).toList();
    if (rankOne != null && !got.isEmpty() && !got.get(0).equals(rankOne)) {
      throw new AssertionError(c + " claimed " + got + " but explain gave rank 1 to " + rankOne);
    }
    if (!got.equals(plan)) {
      throw new AssertionError(
          c + " claimed " + got + " but the claimable cards in claim order were " + plan);
    }
    for (Claim claim : claims) {
      if (!claim.lease().owner().equals(owner)) {
        throw new AssertionError(
            "claim by " + owner + " returned a lease owned by " + claim.lease().owner());
      }
      model.applyClaim(
          claim.card().id().value(),
          owner,
          claim.token().value(),
          ttl,
          c.leasePhase(),
          attributes,
          now);
      compareCard(model.cards.get(claim.card().id().value()), claim.card(), "the claimed card");
    }
  }

  // ---------------------------------------------------------------- comparison

  /**
   * Checks what the scheduling reads say against the model: every card's history (its ended runs,
   * then the open one), its explanation (claimable exactly when the model says so, ranked by its
   * place in claim order) and the queue.
   */
  void verifyScheduling(String where) {
    try {
      List<String> claimable = model.claimableIds();
      equal(
          claimable,
          backlog.queue(null, CardQuery.MAX_LIMIT).stream().map(c -> c.id().value()).toList(),
          "the queue");
      for (MCard card : model.cards.values()) {
        SchedulingChecks.compareHistory(card, backlog.history(CardId.of(card.id)));
        Explanation e = backlog.explain(CardId.of(card.id));
        int at = claimable.indexOf(card.id);
        equal(at >= 0, e.claimable(), "card " + card.id + " explained claimable");
        equal(at >= 0 ? (long) at + 1 : null, e.rank(), "card " + card.id + " rank");
      }
    } catch (AssertionError e) {
      throw new AssertionError("after " + where + ": " + e.getMessage(), e);
    }
  }

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
    equal(
        model.claimableIds(),
        backlog.list(new CardQuery(null, null, true, CardQuery.MAX_LIMIT)).stream()
            .map(c -> c.id().value())
            .toList(),
        "claimable cards in claim order");

    Stats stats = backlog.stats();
    equal(model.counts(c -> true), stats.counts(), "stats counts");
    equal((long) model.cards.size(), stats.total(), "stats total");
    equal((long) model.claimableIds().size(), stats.claimable(), "stats claimable");
    equal(model.expiredLeases(now), stats.expiredLeaseCount(), "stats expired leases");
    equal(model.oldestClaimableAge(now), stats.oldestClaimableAge(), "stats oldest claimable age");
    equal(new TreeMap<>(model.byPhase()), new TreeMap<>(stats.byPhase()), "stats by phase");
    equal(scheduling.deferred(), stats.deferred(), "stats deferred");
    equal(scheduling.byLeasePhase(), stats.byLeasePhase(), "stats by lease phase");

    List<Event> fresh = backlog.events(EventQuery.after(lastSeq, EventQuery.MAX_LIMIT));
    List<MEvent> expected = model.events.subList((int) seenEvents, model.events.size());
    List<MEvent> actual =
        fresh.stream()
            .map(
                e ->
                    new MEvent(
                        e.cardId().value(),
                        e.type(),
                        e.actor(),
                        e.leaseToken() == null ? null : e.leaseToken().value()))
            .toList();
    equal(expected, actual, "new events (card, type, actor, token)");
    for (Event event : fresh) {
      seenEvents++;
      if (gapFree) {
        equal(seenEvents, event.seq(), "event seq (consecutive from 1)");
      } else if (event.seq() <= lastSeq) {
        throw new AssertionError(
            "event seq " + event.seq() + " does not increase after " + lastSeq);
      }
      lastSeq = event.seq();
    }
  }
}
