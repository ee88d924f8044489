package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardStatus;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Stats: counts per status and phase, claimable cards, the oldest claimable age and expired leases,
 * and the stats of an empty backlog.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class StatsContract extends ContractGroup {

  StatsContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void statsCountEveryStatusClaimableCardsOldestAgeExpiredLeasesAndPhases() {
    backlog.create(NewCard.builder("r1").title("r1").phase("M1").build());
    clock.advance(Duration.ofSeconds(10));
    backlog.create(NewCard.builder("r2").title("r2").phase("M1").build());
    backlog.create(NewCard.builder("gated").title("g").dependsOn("r2").build());
    backlog.create(NewCard.builder("b1").title("b1").phase("M2").build());
    backlog.block(id("b1"), null);
    create("d1");
    backlog.forceComplete(id("d1"));
    create("cl1");
    backlog.claim(ClaimRequest.builder("w").card(id("cl1")).ttl(Duration.ofSeconds(60)).build());
    create("cl2");
    backlog.claim(ClaimRequest.builder("w").card(id("cl2")).ttl(Duration.ofSeconds(600)).build());
    clock.advance(Duration.ofSeconds(90));

    Stats stats = backlog.stats();
    assertAll(
        () ->
            assertEquals(
                Map.of(
                    CardStatus.READY,
                    3L,
                    CardStatus.CLAIMED,
                    2L,
                    CardStatus.BLOCKED,
                    1L,
                    CardStatus.DONE,
                    1L),
                stats.counts()),
        () -> assertEquals(7, stats.total()),
        () -> assertEquals(2, stats.claimable()),
        () -> assertEquals(Duration.ofSeconds(100), stats.oldestClaimableAge()),
        () -> assertEquals(1, stats.expiredLeaseCount()),
        () -> assertEquals(Set.of("M1", "M2"), stats.byPhase().keySet()),
        () -> assertEquals(2L, stats.byPhase().get("M1").get(CardStatus.READY)),
        () -> assertEquals(0L, stats.byPhase().get("M1").get(CardStatus.DONE)),
        () -> assertEquals(1L, stats.byPhase().get("M2").get(CardStatus.BLOCKED)));
  }

  @Test
  void statsOfAnEmptyBacklogAreZeroWithNoOldestAge() {
    Stats stats = backlog.stats();
    assertEquals(0, stats.total());
    assertEquals(0, stats.claimable());
    assertNull(stats.oldestClaimableAge());
    assertEquals(0, stats.expiredLeaseCount());
    assertTrue(stats.byPhase().isEmpty());
    IntStream.range(0, CardStatus.values().length)
        .forEach(i -> assertEquals(0L, stats.count(CardStatus.values()[i])));
  }
}
