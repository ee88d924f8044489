package dev.backlog.chaos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The history checks find each kind of double or lost work in a hand-made event log. */
class InvariantsTest {

  private static final CardId A = CardId.of("A");
  private static final CardId B = CardId.of("B");

  private final List<Event> log = new ArrayList<>();

  private void event(long seq, CardId card, EventType type, Long token) {
    log.add(
        new Event(
            seq,
            card,
            type,
            "w",
            Instant.EPOCH,
            token == null ? null : LeaseToken.of(token),
            "{}"));
  }

  private List<String> check(boolean gapFree) {
    return Invariants.history(
        log,
        Map.of(A, Set.of(), B, Set.of(A)),
        Map.of(A, CardStatus.DONE, B, CardStatus.DONE),
        Set.of(A, B),
        gapFree);
  }

  private void goodHistory() {
    event(1, A, EventType.CREATED, null);
    event(2, B, EventType.CREATED, null);
    event(3, A, EventType.CLAIMED, 1L);
    event(4, A, EventType.RECLAIMED, null);
    event(5, A, EventType.CLAIMED, 2L);
    event(6, A, EventType.RENEWED, 2L);
    event(7, A, EventType.COMPLETED, 2L);
    event(8, B, EventType.CLAIMED, 3L);
    event(9, B, EventType.COMPLETED, 3L);
  }

  @Test
  void aCleanHistoryHasNoViolation() {
    goodHistory();
    assertEquals(List.of(), check(true));
  }

  @Test
  void aWriteFromAStaleTokenIsFound() {
    goodHistory();
    log.add(5, new Event(6, A, EventType.RENEWED, "w", Instant.EPOCH, LeaseToken.of(1), "{}"));
    log.remove(6);
    assertTrue(
        check(false).stream().anyMatch(v -> v.contains("accepted from token 1")),
        check(false).toString());
  }

  @Test
  void twoLiveHoldersADoubleCompletionALostCardAndAnEarlyCompletionAreFound() {
    event(1, A, EventType.CLAIMED, 1L);
    event(2, A, EventType.CLAIMED, 2L);
    event(3, B, EventType.COMPLETED, null);
    event(4, A, EventType.COMPLETED, 2L);
    event(5, A, EventType.REOPENED, null);
    event(6, A, EventType.COMPLETED, null);
    List<String> v = check(true);
    assertTrue(v.stream().anyMatch(s -> s.contains("two holders")), v.toString());
    assertTrue(v.stream().anyMatch(s -> s.contains("card A completed 2 times")), v.toString());
    assertTrue(
        v.stream().anyMatch(s -> s.contains("card B completed at seq 3 before its dependency A")),
        v.toString());
  }

  @Test
  void aGapCountsOnlyWhereTheStorePromisesNoneAndADecreaseAlways() {
    event(1, A, EventType.CREATED, null);
    event(3, B, EventType.CREATED, null);
    event(4, A, EventType.COMPLETED, null);
    event(5, B, EventType.COMPLETED, null);
    assertTrue(
        check(true).stream().anyMatch(s -> s.contains("not consecutive")), check(true).toString());
    assertEquals(List.of(), check(false));
    log.add(new Event(2, A, EventType.RENEWED, "w", Instant.EPOCH, null, "{}"));
    assertTrue(
        check(false).stream().anyMatch(s -> s.contains("do not increase")),
        check(false).toString());
  }

  @Test
  void aDrainedCardThatIsNotDoneOrNeverCompletedIsLostWork() {
    event(1, A, EventType.COMPLETED, null);
    List<String> v =
        Invariants.history(
            log,
            Map.of(A, Set.of(), B, Set.of()),
            Map.of(A, CardStatus.DONE, B, CardStatus.READY),
            Set.of(A, B),
            true);
    assertTrue(v.contains("card B completed 0 times, not exactly once"), v.toString());
    assertTrue(v.contains("card B is READY, not done"), v.toString());
  }
}
