package dev.backlog.tck.broken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreConcurrencyContract;
import dev.backlog.tck.BacklogStoreContract;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kit catches broken stores: each planted defect makes the tests of the relevant area of {@link
 * BacklogStoreContract} (one of its {@code @Nested} groups, run whole), the stateful property and
 * the relevant concurrency tests fail, while the honest in-memory store passes every test of the
 * same areas and the same property and concurrency tests. The contracts are run through the JUnit
 * Platform launcher, as a build would run them.
 *
 * <p>The contract subclasses below are nested classes, which the build's test scan skips; only this
 * class's tests run them.
 */
@Tag("slow")
class BrokenStoresFailTheContractsTest {

  private static final String PROPERTY = "randomOperationSequencesBehaveLikeTheModel";
  private static final BacklogStoreConcurrencyContract.Sizes SMALL =
      new BacklogStoreConcurrencyContract.Sizes(4, 60, 3, Duration.ofSeconds(60));

  /**
   * One area of {@link BacklogStoreContract}: the simple name of its {@code @Nested} group and the
   * tests in it that must each catch the area's planted defect.
   */
  private record Area(String group, List<String> catching) {
    DiscoverySelector selector(Class<? extends BacklogStoreContract> examples) {
      return selectNestedClass(
          List.of(examples.getName()), BacklogStoreContract.class.getName() + "$" + group);
    }

    @Override
    public String toString() {
      return "BacklogStoreContract." + group;
    }
  }

  /** One contract test to run: the contract class to run it on and the method's name. */
  private record Selected(Class<?> contract, String method) {
    DiscoverySelector selector() {
      return method.equals(PROPERTY)
          ? selectMethod(contract, method, List.class.getName())
          : selectMethod(contract, method);
    }

    @Override
    public String toString() {
      return contract.getSimpleName() + "#" + method;
    }
  }

  /** What a run found: the outcome of every test by method name, and the summary. */
  private record Outcome(
      Map<String, TestExecutionResult.Status> byTest, TestExecutionSummary summary) {}

  private static Outcome run(DiscoverySelector selector) {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selector)
            .configurationParameter("jqwik.database", "target/jqwik-broken-stores.database")
            // A failure is all these tests need; shrinking it would only cost time.
            .configurationParameter("jqwik.shrinking.default", "OFF")
            .build();
    Map<String, TestExecutionResult.Status> byTest = new TreeMap<>();
    TestExecutionListener outcomes =
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() && test.getSource().orElse(null) instanceof MethodSource method) {
              byTest.put(method.getMethodName(), result.getStatus());
            }
          }
        };
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, outcomes, summary);
    return new Outcome(byTest, summary.getSummary());
  }

  /** Runs the whole area on the broken store: each of the area's catching tests must fail. */
  private static void assertAreaCatches(Class<? extends BacklogStoreContract> examples, Area area) {
    Outcome outcome = run(area.selector(examples));
    assertTrue(outcome.summary().getTestsFoundCount() > 0, () -> area + " was not found");
    List<String> passed = new ArrayList<>();
    for (String test : area.catching()) {
      assertTrue(outcome.byTest().containsKey(test), () -> area + "#" + test + " was not found");
      if (outcome.byTest().get(test) != TestExecutionResult.Status.FAILED) {
        passed.add(area + "#" + test);
      }
    }
    assertEquals(List.of(), passed, "these tests of the area did not catch the planted defect");
  }

  /** Runs the whole area on the honest store: every test in it must pass. */
  private static void assertAreaPasses(Class<? extends BacklogStoreContract> examples, Area area) {
    Outcome outcome = run(area.selector(examples));
    assertTrue(outcome.summary().getTestsFoundCount() > 0, () -> area + " was not found");
    assertTrue(
        outcome.byTest().keySet().containsAll(area.catching()),
        () -> area + " lacks some of " + area.catching() + ": " + outcome.byTest().keySet());
    List<String> failed = new ArrayList<>();
    outcome
        .summary()
        .getFailures()
        .forEach(
            f ->
                failed.add(
                    area
                        + ": "
                        + f.getTestIdentifier().getDisplayName()
                        + ": "
                        + f.getException()));
    assertEquals(List.of(), failed, "the honest store must pass every test of the area");
    assertEquals(
        outcome.summary().getTestsFoundCount(),
        outcome.summary().getTestsSucceededCount(),
        () -> area + ": every test found must pass");
  }

  private static void assertEachFails(List<Selected> tests) {
    List<String> passed = new ArrayList<>();
    for (Selected test : tests) {
      TestExecutionSummary summary = run(test.selector()).summary();
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
      TestExecutionSummary summary = run(test.selector()).summary();
      assertEquals(1, summary.getTestsFoundCount(), () -> test + " was not found");
      if (summary.getTestsSucceededCount() != 1) {
        StringBuilder why = new StringBuilder(test.toString());
        summary.getFailures().forEach(f -> why.append(": ").append(f.getException()));
        failed.add(why.toString());
      }
    }
    assertEquals(List.of(), failed, "the honest store must pass the selection");
  }

  /** The stateful property and the given concurrency tests. */
  private static List<Selected> properties(
      Class<?> model, Class<?> concurrency, List<String> concurrencyTests) {
    List<Selected> tests = new ArrayList<>();
    tests.add(new Selected(model, PROPERTY));
    concurrencyTests.forEach(m -> tests.add(new Selected(concurrency, m)));
    return tests;
  }

  private static final Area CLAIMS =
      new Area(
          "Claims",
          List.of(
              "twoConcurrentClaimersOnOneCardYieldExactlyOneWinner",
              "eightConcurrentClaimersOnFiveCardsWinFiveDistinctCards",
              "aClaimByIdOfACardThatIsNotClaimableIsEmpty",
              "sequentialClaimsDrainReadyCardsInPriorityOrderAndThenFindNothing"));
  private static final List<String> CLAIM_CONCURRENCY =
      List.of(
          "racingClaimersWithAsManyCardsAsClaimersEachWinADistinctCard",
          "racingBatchClaimersEachGetTheirFullBatchOfDistinctCards");
  private static final Area DAG =
      new Area(
          "Dag",
          List.of(
              "aSelfLinkIsRefusedAsACycle",
              "aLinkClosingATwoCycleIsRefusedNamingThePath",
              "aLinkClosingAThreeCycleIsRefusedNamingThePath",
              "aCreateThatDependsOnItselfIsRefusedAsACycle"));
  private static final Area LEASES_AND_FENCING =
      new Area(
          "LeasesAndFencing",
          List.of(
              "aStaleTokenIsRefusedAfterExpiryAndReclaimByAnotherOwner",
              "aTokenNeverIssuedIsRefused"));
  private static final List<String> FENCING_CONCURRENCY =
      List.of("racingRenewalsCompletionsAndReclaimsNeverLetAStaleLeaseWin");
  private static final Area SCHEDULING =
      new Area("Scheduling", List.of("aDeferredCardIsNotClaimedUntilTheSweepLiftsItsDeferral"));

  @Test
  void aStoreThatHandsOutAClaimedCardAgainFailsTheClaimContracts() {
    assertAreaCatches(DoubleClaimExamples.class, CLAIMS);
    assertEachFails(
        properties(DoubleClaimModel.class, DoubleClaimConcurrency.class, CLAIM_CONCURRENCY));
  }

  @Test
  void aStoreWithoutTheCycleCheckFailsTheDependencyContracts() {
    assertAreaCatches(NoCycleExamples.class, DAG);
    assertEachFails(properties(NoCycleModel.class, NoCycleConcurrency.class, List.of()));
  }

  @Test
  void aStoreThatIgnoresFencingTokensFailsTheLeaseContracts() {
    assertAreaCatches(NoFencingExamples.class, LEASES_AND_FENCING);
    assertEachFails(
        properties(NoFencingModel.class, NoFencingConcurrency.class, FENCING_CONCURRENCY));
  }

  @Test
  void aStoreThatIgnoresDeferralsFailsTheSchedulingContracts() {
    assertAreaCatches(IgnoresNotBeforeExamples.class, SCHEDULING);
    assertEachFails(
        properties(IgnoresNotBeforeModel.class, IgnoresNotBeforeConcurrency.class, List.of()));
  }

  @Test
  void theHonestInMemoryStorePassesTheSameAreasAndSelection() {
    for (Area area : List.of(CLAIMS, DAG, LEASES_AND_FENCING, SCHEDULING)) {
      assertAreaPasses(HonestExamples.class, area);
    }
    List<String> concurrency = new ArrayList<>(CLAIM_CONCURRENCY);
    concurrency.addAll(FENCING_CONCURRENCY);
    assertEachPasses(properties(HonestModel.class, HonestConcurrency.class, concurrency));
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

  static class IgnoresNotBeforeExamples extends BacklogStoreContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.IgnoresNotBeforeStore(clock);
    }
  }

  static class IgnoresNotBeforeModel extends BacklogStoreModelContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.IgnoresNotBeforeStore(clock);
    }
  }

  static class IgnoresNotBeforeConcurrency extends BacklogStoreConcurrencyContract {
    @Override
    protected BacklogStore newStore(InstantSource clock) {
      return new BrokenStores.IgnoresNotBeforeStore(clock);
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
