package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.memory.InMemoryBacklogStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The facade's sweep of lapsed leases, which runs in the claim's own transaction. */
class BacklogSweepTest {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final InstantSource clock = now::get;
  private final List<List<Event>> notified = new ArrayList<>();

  private Backlog backlog() {
    return Backlog.builder()
        .store(new InMemoryBacklogStore(clock))
        .clock(clock)
        .listener(notified::add)
        .build();
  }

  private void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  private static List<EventType> types(List<Event> events) {
    return events.stream().map(Event::type).toList();
  }

  @Test
  void aClaimAfterALapsedLeaseReclaimsAndClaimsTheCardInOneCallAndOneTransaction() {
    try (Backlog backlog = backlog()) {
      backlog.create(NewCard.builder(CardId.of("A")).title("a").build());
      Claim first = backlog.claimOne("w1", Duration.ofSeconds(30)).orElseThrow();
      advance(Duration.ofSeconds(60));
      notified.clear();

      List<Claim> second =
          backlog.claim(ClaimRequest.builder("w2").ttl(Duration.ofSeconds(30)).build());

      assertEquals(1, second.size());
      Card card = second.get(0).card();
      assertEquals(CardId.of("A"), card.id());
      assertEquals("w2", card.lease().owner());
      assertTrue(second.get(0).token().compareTo(first.token()) > 0, "a new, higher fencing token");
      assertEquals(2, card.attempts(), "the lapsed lease counted as an attempt");
      assertEquals(1, notified.size(), "one transaction, so one notification: " + notified);
      assertEquals(List.of(EventType.RECLAIMED, EventType.CLAIMED), types(notified.get(0)));
    }
  }

  @Test
  void theSweepRunsAtMostOncePerIntervalAndAgainAfterIt() {
    try (Backlog backlog = backlog()) {
      backlog.create(NewCard.builder(CardId.of("A")).title("a").build());
      backlog.create(NewCard.builder(CardId.of("B")).title("b").build());
      // This claim sweeps (nothing lapsed yet) and starts the interval.
      backlog.claim(
          ClaimRequest.builder("w1").ttl(Duration.ofMillis(100)).card(CardId.of("A")).build());
      advance(Duration.ofMillis(500));
      notified.clear();

      // A's lease lapsed, but the interval (1 s) has not passed: no sweep, so B is claimed.
      List<Claim> claims =
          backlog.claim(ClaimRequest.builder("w2").ttl(Duration.ofSeconds(30)).build());
      assertEquals(List.of(CardId.of("B")), claims.stream().map(c -> c.card().id()).toList());
      assertEquals(
          List.of(List.of(EventType.CLAIMED)),
          notified.stream().map(BacklogSweepTest::types).toList());
      assertEquals(CardStatus.CLAIMED, backlog.get(CardId.of("A")).status());

      advance(Duration.ofMillis(600));
      notified.clear();
      claims = backlog.claim(ClaimRequest.builder("w3").ttl(Duration.ofSeconds(30)).build());
      assertEquals(List.of(CardId.of("A")), claims.stream().map(c -> c.card().id()).toList());
      assertEquals(
          List.of(List.of(EventType.RECLAIMED, EventType.CLAIMED)),
          notified.stream().map(BacklogSweepTest::types).toList());
    }
  }
}
