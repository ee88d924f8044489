package dev.backlog.tck;

import dev.backlog.core.Backlog;
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
 * force-complete, clock advances and rolled-back transactions, each checked against an independent
 * model of the semantics after every step: statuses, leases and owners, attempts, versions,
 * timestamps, the claimable set and its order, stats, the event stream (types, cards, actors,
 * tokens, consecutive seq) and lease-token monotonicity. A refused operation must raise the
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

  /** Random operation sequences leave the store exactly where the model says, step by step. */
  @Property
  void randomOperationSequencesBehaveLikeTheModel(@ForAll("operations") List<Op> operations) {
    MutableClock clock = newClock();
    BacklogStore store = newStore(clock);
    try (Backlog backlog = backlogOver(store, clock, DEFAULT_MAX_ATTEMPTS)) {
      ModelRun run = new ModelRun(backlog, clock, seqsAreGapFree());
      run.verify("the empty store");
      for (int i = 0; i < operations.size(); i++) {
        run.step(i + 1, operations.get(i));
      }
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
