package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void missingStatusesAreCompletedWithZero() {
    Stats stats =
        new Stats(
            Map.of(CardStatus.READY, 2L),
            2,
            1,
            Duration.ofSeconds(5),
            0,
            Map.of("M1", Map.of(CardStatus.DONE, 1L)));
    assertEquals(
        Map.of(
            CardStatus.READY,
            2L,
            CardStatus.CLAIMED,
            0L,
            CardStatus.BLOCKED,
            0L,
            CardStatus.DONE,
            0L),
        stats.counts());
    assertEquals(0L, stats.count(CardStatus.BLOCKED));
    assertEquals(
        Map.of(
            CardStatus.READY,
            0L,
            CardStatus.CLAIMED,
            0L,
            CardStatus.BLOCKED,
            0L,
            CardStatus.DONE,
            1L),
        stats.byPhase().get("M1"));
    assertEquals(Optional.of(Duration.ofSeconds(5)), stats.oldestClaimable());
  }

  @Test
  void phasesAreSortedByNameAndTheMapsAreCopiesThatCannotChange() {
    Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
    counts.put(CardStatus.DONE, 3L);
    Map<String, Map<CardStatus, Long>> phases = new HashMap<>();
    phases.put("zeta", Map.of());
    phases.put("alpha", Map.of(CardStatus.READY, 1L));
    Stats stats = new Stats(counts, 3, 0, null, 0, phases);
    counts.put(CardStatus.DONE, 99L);
    phases.clear();
    assertEquals(3L, stats.count(CardStatus.DONE));
    assertEquals(List.of("alpha", "zeta"), List.copyOf(stats.byPhase().keySet()));
    assertEquals(Optional.empty(), stats.oldestClaimable());
    assertThrows(
        UnsupportedOperationException.class, () -> stats.counts().put(CardStatus.READY, 1L));
    assertThrows(UnsupportedOperationException.class, () -> stats.byPhase().remove("alpha"));
  }

  @Test
  void equalContentMakesEqualStats() {
    Stats a = new Stats(Map.of(), 0, 0, null, 0, Map.of());
    Stats b = new Stats(new EnumMap<>(CardStatus.class), 0, 0, null, 0, new HashMap<>());
    assertEquals(a, b);
  }
}
