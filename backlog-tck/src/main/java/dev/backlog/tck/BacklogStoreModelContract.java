package dev.backlog.tck;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.EventQuery;
import dev.backlog.core.Explanation;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.ModelOperations.Op;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Stateful property of a {@link BacklogStore}: random sequences of create, link, unlink, claim,
 * renew, complete, release, fail, block, unblock, reopen, reclaim (lapsed and forced),
 * force-complete, defer, undefer, the deferral sweep, update, lease phase and attributes on claim
 * and renew, completion evidence, clock advances and rolled-back transactions, each checked against
 * an independent model of the semantics after every step: statuses, leases and owners, attempts,
 * versions, timestamps, the claimable set and its order, stats, the event stream (types, cards,
 * actors, tokens, consecutive seq) and lease-token monotonicity. A refused operation must raise the
 * exception the model predicts and change nothing.
 *
 * <p>Runs jqwik's default number of tries (1,000 unless the project configures {@code
 * jqwik.tries.default}); a failure is reported with its seed and a shrunk sequence. Stores that are
 * slow per operation can shorten the sequences with {@link #maxOperations()}.
 *
 * <p>Not thread-safe; the engine creates the instance.
 */
public abstract class BacklogStoreModelContract extends StoreContractSupport {

  /**
   * The backlog-wide attempt limit the property runs with (small, so poison-card protection
   * happens).
   */
  protected static final int DEFAULT_MAX_ATTEMPTS = 2;

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected BacklogStoreModelContract() {}

  /** The longest operation sequence one try runs (default 30; lengths are spread evenly from 1). */
  protected int maxOperations() {
    return 30;
  }

  /**
   * Random operation sequences leave the store exactly where the model says, step by step; at the
   * end, every card's history, explanation and the queue agree with the model.
   */
  @Property
  void randomOperationSequencesBehaveLikeTheModel(@ForAll("operations") List<Op> operations) {
    run(operations, (backlog, run) -> run.verifyScheduling("the last step"));
  }

  /**
   * Explain agrees with claim: after a random sequence, claiming until nothing is claimable takes,
   * each time, the card explained claimable with rank 1, and never a card explain gave a reason.
   */
  @Property(tries = 100)
  void explainAgreesWithClaim(@ForAll("operations") List<Op> operations) {
    run(
        operations,
        (backlog, run) -> {
          java.util.Map<CardId, Explanation> explained = new java.util.HashMap<>();
          for (Card card : backlog.list(CardQuery.ALL)) {
            explained.put(card.id(), backlog.explain(card.id()));
          }
          long claimed = 0;
          while (true) {
            long next = claimed + 1;
            Explanation first =
                explained.values().stream()
                    .filter(e -> e.rank() != null && e.rank() == next)
                    .findFirst()
                    .orElse(null);
            List<Claim> claims = backlog.claim(ClaimRequest.builder("explainer").build());
            if (claims.isEmpty()) {
              ModelChecks.equal(
                  null, first, "the card ranked " + (claimed + 1) + " was not claimed");
              break;
            }
            CardId got = claims.get(0).card().id();
            Explanation e = explained.get(got);
            if (!e.claimable()) {
              throw new AssertionError("claimed " + got + " although explain gave " + e.reasons());
            }
            ModelChecks.equal(
                first == null ? null : first.id(), got, "the claim after rank " + claimed);
            claimed++;
          }
        });
  }

  /**
   * History agrees with events: after a random sequence, every card's runs are the runs its event
   * stream tells (see {@link SchedulingChecks#historyAgreesWithEvents}).
   */
  @Property(tries = 100)
  void historyAgreesWithEvents(@ForAll("operations") List<Op> operations) {
    run(
        operations,
        (backlog, run) -> {
          for (Card card : backlog.list(CardQuery.ALL)) {
            SchedulingChecks.historyAgreesWithEvents(
                card.id(),
                backlog.history(card.id()),
                backlog.events(new EventQuery(0, card.id(), EventQuery.MAX_LIMIT)));
          }
        });
  }

  private void run(List<Op> operations, java.util.function.BiConsumer<Backlog, ModelRun> atEnd) {
    MutableClock clock = newClock();
    BacklogStore store = newStore(clock);
    try (Backlog backlog = backlogOver(store, clock, DEFAULT_MAX_ATTEMPTS)) {
      ModelRun run = new ModelRun(backlog, clock, seqsAreGapFree());
      run.verify("the empty store");
      for (int i = 0; i < operations.size(); i++) {
        run.step(i + 1, operations.get(i));
      }
      atEnd.accept(backlog, run);
    } finally {
      store.close();
    }
  }

  /** The operation sequences of {@link #randomOperationSequencesBehaveLikeTheModel}. */
  @Provide
  Arbitrary<List<Op>> operations() {
    return ModelOperations.operations(maxOperations());
  }
}
