package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WavesTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Card card(String id, CardStatus status, String phase, String... deps) {
    return Card.builder()
        .id(CardId.of(id))
        .title(id)
        .phase(phase)
        .status(status)
        .dependsOn(List.of(deps).stream().map(CardId::of).toList())
        .lease(
            status == CardStatus.CLAIMED
                ? new Lease("w", LeaseToken.of(1), T, T.plusSeconds(1))
                : null)
        .createdAt(T)
        .updatedAt(T)
        .build();
  }

  private static List<List<String>> ids(Waves waves) {
    List<List<String>> out = new ArrayList<>();
    for (List<CardId> wave : waves.waves()) {
      out.add(wave.stream().map(CardId::value).toList());
    }
    return out;
  }

  @Test
  void wavesGroupCardsByTheLongestChainOfUndoneDependencies() {
    Waves waves =
        Waves.of(
            List.of(
                card("A0", CardStatus.DONE, null),
                card("A1", CardStatus.READY, null, "A0"),
                card("A2", CardStatus.CLAIMED, null),
                card("B1", CardStatus.READY, null, "A1", "A2"),
                card("B2", CardStatus.BLOCKED, null, "A2"),
                card("C1", CardStatus.READY, null, "B1", "A1")),
            null);
    assertEquals(List.of(List.of("A1", "A2"), List.of("B1", "B2"), List.of("C1")), ids(waves));
    assertEquals(2, waves.maxParallelism());
    assertEquals(
        List.of("A1", "B1", "C1"), waves.criticalPath().stream().map(CardId::value).toList());
  }

  @Test
  void aPhaseShowsOnlyItsCardsInTheWavesOfTheWholePlan() {
    Waves waves =
        Waves.of(
            List.of(
                card("A1", CardStatus.READY, "build"),
                card("B1", CardStatus.READY, "test", "A1"),
                card("B2", CardStatus.READY, "test", "A1")),
            "test");
    assertEquals(List.of(List.of("B1", "B2")), ids(waves));
    assertEquals(2, waves.maxParallelism());
  }

  @Test
  void anEmptyPlanHasNoWaves() {
    Waves waves = Waves.of(List.of(card("A0", CardStatus.DONE, null)), null);
    assertEquals(List.of(), waves.waves());
    assertEquals(0, waves.maxParallelism());
    assertEquals(List.of(), waves.criticalPath());
  }

  @Test
  void aLongChainDoesNotOverflowTheStack() {
    List<Card> cards = new ArrayList<>();
    cards.add(card("C0", CardStatus.READY, null));
    for (int i = 1; i < 20_000; i++) {
      cards.add(card("C" + i, CardStatus.READY, null, "C" + (i - 1)));
    }
    Waves waves = Waves.of(cards, null);
    assertEquals(20_000, waves.waves().size());
    assertEquals(20_000, waves.criticalPath().size());
    assertEquals(1, waves.maxParallelism());
  }
}
