package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.memory.InMemoryBacklogStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Leases when the store's clock jumps forward past every lease and back again. */
class ClockMovedBackTest {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T12:00:00Z"));
  private final InstantSource clock = now::get;

  private Backlog backlog() {
    return Backlog.builder().store(new InMemoryBacklogStore(clock)).clock(clock).build();
  }

  @Test
  void aRenewAfterTheClockMovedBackBeforeTheClaimKeepsTheLeaseUntilTheClaimTimeInsteadOfFailing() {
    try (Backlog backlog = backlog()) {
      backlog.create(NewCard.builder("A").title("a").build());
      now.updateAndGet(t -> t.plus(Duration.ofHours(1)));
      Claim claim = backlog.claimOne("w1", Duration.ofSeconds(30)).orElseThrow();
      Instant claimedAt = claim.lease().claimedAt();
      now.updateAndGet(t -> t.minus(Duration.ofHours(1)));

      Card renewed = backlog.renew(claim.card().id(), claim.token(), Duration.ofSeconds(30));

      assertEquals(claimedAt, renewed.lease().claimedAt());
      assertEquals(claimedAt, renewed.lease().expiresAt(), "not before the claim");
      assertEquals(CardStatus.DONE, backlog.complete(claim.card().id(), claim.token()).status());
    }
  }

  @Test
  void aJumpForwardPastTheLeaseHandsTheCardToANewHolderAndTheOldTokenIsRefusedAfterTheJumpBack() {
    try (Backlog backlog = backlog()) {
      backlog.create(NewCard.builder("A").title("a").build());
      Claim first = backlog.claimOne("w1", Duration.ofSeconds(30)).orElseThrow();
      now.updateAndGet(t -> t.plus(Duration.ofHours(1)));
      Claim second = backlog.claimOne("w2", Duration.ofSeconds(30)).orElseThrow();
      now.updateAndGet(t -> t.minus(Duration.ofHours(1)));

      assertThrows(
          LeaseLostException.class,
          () -> backlog.complete(first.card().id(), first.token()),
          "the late holder's write is refused by its token");
      assertThrows(
          LeaseLostException.class,
          () -> backlog.renew(first.card().id(), first.token(), Duration.ofSeconds(30)));
      Card renewed = backlog.renew(second.card().id(), second.token(), Duration.ofSeconds(30));
      assertTrue(!renewed.lease().expiresAt().isBefore(renewed.lease().claimedAt()));
      assertEquals(CardStatus.DONE, backlog.complete(second.card().id(), second.token()).status());
    }
  }
}
