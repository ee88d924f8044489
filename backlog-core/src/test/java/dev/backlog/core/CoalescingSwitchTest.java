package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.memory.InMemoryBacklogStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's coalescing switch and bound; the coalescing itself is in backlog-tck. */
class CoalescingSwitchTest {

  private static Backlog.Builder builder() {
    return Backlog.builder().store(new InMemoryBacklogStore(InstantSource.system()));
  }

  @Test
  void withCoalescingOffEveryCallRunsItsOwnTransactionAndNothingIsCounted() {
    try (Backlog backlog = builder().coalescing(false).build()) {
      backlog.create(NewCard.builder("A").title("a").build());
      Claim claim = backlog.claimOne("w", Duration.ofMinutes(1)).orElseThrow();
      assertEquals(CardStatus.DONE, backlog.complete(claim.card().id(), claim.token()).status());
      assertEquals(
          new CoalescingStats(CoalescingStats.Group.NONE, CoalescingStats.Group.NONE),
          backlog.coalescingStats());
    }
  }

  @Test
  void coalescingIsOnByDefaultAndCountsEveryCall() {
    try (Backlog backlog = builder().build()) {
      backlog.create(NewCard.builder("A").title("a").build());
      Claim claim = backlog.claimOne("w", Duration.ofMinutes(1)).orElseThrow();
      backlog.complete(claim.card().id(), claim.token(), "{\"ok\":true}");
      assertEquals(1, backlog.coalescingStats().claims().calls());
      assertEquals(1, backlog.coalescingStats().completions().calls());
    }
  }

  @Test
  void aCoalescedCallInsideATransactionCallbackIsRefusedLikeAnyNestedCall() {
    try (Backlog backlog = builder().build()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> backlog.inTransaction(tx -> backlog.claimOne("w", Duration.ofMinutes(1))));
      assertTrue(e.getMessage().contains("already running on this thread"), e.getMessage());
    }
  }

  @Test
  void invalidEvidenceIsRefusedBeforeTheCallQueues() {
    try (Backlog backlog = builder().build()) {
      backlog.create(NewCard.builder("A").title("a").build());
      Claim claim = backlog.claimOne("w", Duration.ofMinutes(1)).orElseThrow();
      assertThrows(
          InvalidInputException.class,
          () -> backlog.complete(claim.card().id(), claim.token(), "not json"));
      assertEquals(0, backlog.coalescingStats().completions().calls());
      assertEquals(CardStatus.CLAIMED, backlog.find(claim.card().id()).orElseThrow().status());
    }
  }

  /**
   * Builds with each bad value set by {@code set}; each must be refused naming it and the range.
   */
  private static void refusedOutOfRange(
      String name,
      int max,
      java.util.function.BiFunction<Backlog.Builder, Integer, Backlog.Builder> set) {
    for (int bad : List.of(0, -3, max + 1)) {
      InvalidInputException e =
          assertThrows(InvalidInputException.class, () -> set.apply(builder(), bad).build());
      assertTrue(
          e.getMessage().contains(name + " " + bad) && e.getMessage().contains("1 to " + max),
          e.getMessage());
    }
    set.apply(builder(), 1).build().close();
    set.apply(builder(), max).build().close();
  }

  @Test
  void maxCoalescedOutOfRangeIsRefusedWithTheValueAndTheRange() {
    refusedOutOfRange("maxCoalesced", Backlog.MAX_MAX_COALESCED, Backlog.Builder::maxCoalesced);
  }

  @Test
  void coalescedInFlightOutOfRangeIsRefusedWithTheValueAndTheRange() {
    refusedOutOfRange(
        "coalescedInFlight", Backlog.MAX_COALESCED_IN_FLIGHT, Backlog.Builder::coalescedInFlight);
  }
}
