package dev.backlog.tck.broken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreConcurrencyContract;
import dev.backlog.tck.BacklogStoreContract;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kit catches broken stores: each planted defect makes the relevant contract tests and the
 * stateful property fail, while the honest in-memory store passes the very same selection. The
 * contracts are run through the JUnit Platform launcher, as a build would run them.
 *
 * <p>The contract subclasses below are nested classes, which the build's test scan skips; only
 * this class's tests run them.
 */
@Tag("slow")
class BrokenStoresFailTheContractsTest {

  private static final String PROPERTY = "randomOperationSequencesBehaveLikeTheModel";
  private static final BacklogStoreConcurrencyContract.Sizes SMALL =
      new BacklogStoreConcurrencyContract.Sizes(4, 60, 3, Duration.ofSeconds(60));

  /** One contract test to run: the contract class to run it on and the method's name. */
  private record Selected(Class<?> contract, String method) {
    DiscoverySelector selector() {
      return method.equals(PROPERTY) ? selectMethod(contract, method, List.class.getName())
          : selectMethod(contract, method);
    }

    @Override
    public String toString() {
      return contract.getSimpleName() + "#" + method;
    }
  }

  private static TestExecutionSummary run(Selected test) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(test.selector())
        .configurationParameter("jqwik.database", "target/jqwik-broken-stores.database")
        // A failure is all these tests need; shrinking it would only cost time.
        .configurationParameter("jqwik.shrinking.default", "OFF")
        .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    return listener.getSummary();
  }

  private static void assertEachFails(List<Selected> tests) {
    List<String> passed = new ArrayList<>();
    for (Selected test : tests) {
      TestExecutionSummary summary = run(test);
      assertEquals(1, summary.getTestsFoundCount(), () -> test + " was not found");
      if (summary.getTestsFailedCount() != 1) {
        passed.add(test.toString());
      }
    }
    assertEquals(List.of(), passed, "these contract tests did not catch the planted defect");
  }

  private static void assertEachPasses(List<Selected> tests) {
    List<String> failed = new ArrayList<>();
    for (Selected test : tests) {
      TestExecutionSummary summary = run(test);
      assertEquals(1, summary.getTestsFoundCount(), () -> test + " was not found");
      if (summary.getTestsSucceededCount() != 1) {
        StringBuilder why = new StringBuilder(test.toString());
        summary.getFailures().forEach(f -> why.append(": ").append(f.getException()));
        failed.add(why.toString());
      }
    }
    assertEquals(List.of(), failed, "the honest store must pass the selection");
  }

  private static List<Selected> selection(Class<?> examples, Class<?> model, Class<?> concurrency,
      List<String> exampleTests, List<String> concurrencyTests) {
    List<Selected> tests = new ArrayList<>();
    exampleTests.forEach(m -> tests.add(new Selected(examples, m)));
    tests.add(new Selected(model, PROPERTY));
    concurrencyTests.forEach(m -> tests.add(new Selected(concurrency, m)));
    return tests;
  }

  private static final List<String> CLAIM_EXAMPLES = List.of(
      "twoConcurrentClaimersOnOneCardYieldExactlyOneWinner",
      "eightConcurrentClaimersOnFiveCardsWinFiveDistinctCards",
      "aClaimByIdOfACardThatIsNotClaimableIsEmpty",
      "sequentialClaimsDrainReadyCardsInPriorityOrderAndThenFindNothing");
  private static final List<String> CLAIM_CONCURRENCY = List.of(
      "racingClaimersWithAsManyCardsAsClaimersEachWinADistinctCard",
      "racingBatchClaimersEachGetTheirFullBatchOfDistinctCards");
  private static final List<String> CYCLE_EXAMPLES = List.of(
      "aSelfLinkIsRefusedAsACycle",
      "aLinkClosingATwoCycleIsRefusedNamingThePath",
      "aLinkClosingAThreeCycleIsRefusedNamingThePath",
      "aCreateThatDependsOnItselfIsRefusedAsACycle");
  private static final List<String> FENCING_EXAMPLES = List.of(
      "aStaleTokenIsRefusedAfterExpiryAndReclaimByAnotherOwner",
      "aTokenNeverIssuedIsRefused");

  @Test
  void aStoreThatHandsOutAClaimedCardAgainFailsTheClaimContracts() {
    assertEachFails(selection(DoubleClaimExamples.class, DoubleClaimModel.class, DoubleClaimConcurrency.class,
        CLAIM_EXAMPLES, CLAIM_CONCURRENCY));
  }

  @Test
  void aStoreWithoutTheCycleCheckFailsTheDependencyContracts() {
    assertEachFails(selection(NoCycleExamples.class, NoCycleModel.class, NoCycleConcurrency.class,
        CYCLE_EXAMPLES, List.of()));
  }

  @Test
  void aStoreThatIgnoresFencingTokensFailsTheLeaseContracts() {
    assertEachFails(selection(NoFencingExamples.class, NoFencingModel.class, NoFencingConcurrency.class,
        FENCING_EXAMPLES, List.of("racingRenewalsCompletionsAndReclaimsNeverLetAStaleLeaseWin")));
  }

  @Test
  void theHonestInMemoryStorePassesTheSameSelection() {
    List<String> examples = new ArrayList<>(CLAIM_EXAMPLES);
    examples.addAll(CYCLE_EXAMPLES);
    examples.addAll(FENCING_EXAMPLES);
    assertEachPasses(selection(HonestExamples.class, HonestModel.class, HonestConcurrency.class, examples,
        CLAIM_CONCURRENCY));
  }

  // ---------------------------------------------------------------- the contracts over each store

  private static BacklogStore honest(InstantSource clock) {
    return new InMemoryBacklogStore(clock);
  }

  static class HonestExamples extends BacklogStoreContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return honest(clock);
    }
  }

  static class HonestModel extends BacklogStoreModelContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return honest(clock);
    }
  }

  static class HonestConcurrency extends BacklogStoreConcurrencyContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return honest(clock);
    }

    @Override
    protected Sizes sizes() {
      return SMALL;
    }
  }

  static class DoubleClaimExamples extends BacklogStoreContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.DoubleClaimStore(clock);
    }
  }

  static class DoubleClaimModel extends BacklogStoreModelContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.DoubleClaimStore(clock);
    }
  }

  static class DoubleClaimConcurrency extends BacklogStoreConcurrencyContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.DoubleClaimStore(clock);
    }

    @Override
    protected Sizes sizes() {
      return SMALL;
    }
  }

  static class NoCycleExamples extends BacklogStoreContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.NoCycleCheckStore(clock);
    }
  }

  static class NoCycleModel extends BacklogStoreModelContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.NoCycleCheckStore(clock);
    }
  }

  static class NoCycleConcurrency extends BacklogStoreConcurrencyContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.NoCycleCheckStore(clock);
    }

    @Override
    protected Sizes sizes() {
      return SMALL;
    }
  }

  static class NoFencingExamples extends BacklogStoreContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.NoFencingStore(clock);
    }
  }

  static class NoFencingModel extends BacklogStoreModelContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.NoFencingStore(clock);
    }
  }

  static class NoFencingConcurrency extends BacklogStoreConcurrencyContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.NoFencingStore(clock);
    }

    @Override
    protected Sizes sizes() {
      return SMALL;
    }
  }
}
