package dev.backlog.tck;

import dev.backlog.core.Backlog;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.ModelOperations.Op;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The stateful model property of {@link BacklogStoreModelContract} through a coalescing {@link
 * Backlog} ({@link Backlog.Builder#coalescing}), with waves: claims or completions of several
 * logical workers made at once, which queue behind one call in flight and share one store
 * transaction ({@link ModelOperations.Wave}). The model follows them in queue order, so every
 * caller's outcome, every card and the event stream must be what the calls one after the other
 * would have given. Runs fewer tries than the plain property: the plain one covers the rest.
 *
 * <p>Not thread-safe; the engine creates the instance.
 */
public abstract class CoalescingModelContract extends StoreContractSupport {

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected CoalescingModelContract() {}

  /** The longest operation sequence one try runs (default 30). */
  protected int maxOperations() {
    return 30;
  }

  /** Random sequences with waves of coalesced calls leave the store where the model says. */
  @Property(tries = 60)
  void coalescedWavesOfWorkersBehaveLikeTheModel(@ForAll("operations") List<Op> operations)
      throws InterruptedException {
    MutableClock clock = newClock();
    BacklogStore store = newStore(clock);
    GatedStore gated = new GatedStore(store);
    ExecutorService pool = Executors.newCachedThreadPool();
    try (Backlog backlog =
        Backlog.builder()
            .store(gated)
            .clock(clock)
            .sweepInterval(null)
            .closeStore(false)
            .defaultMaxAttempts(BacklogStoreModelContract.DEFAULT_MAX_ATTEMPTS)
            .coalescing(true)
            // One transaction in flight: a wave's calls queue behind the held one.
            .coalescedInFlight(1)
            .build()) {
      ModelRun run =
          new ModelRun(backlog, clock, seqsAreGapFree(), new ModelWaveRunner(gated, backlog, pool));
      run.verify("the empty store");
      for (int i = 0; i < operations.size(); i++) {
        run.step(i + 1, operations.get(i));
      }
      run.verifyScheduling("the last step");
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      store.close();
    }
  }

  /** The operation sequences, with waves. */
  @Provide
  Arbitrary<List<Op>> operations() {
    return ModelOperations.operations(maxOperations(), true);
  }
}
