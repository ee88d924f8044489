package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Card;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Leases and fencing tokens: tokens strictly increase and never come back after a rollback, expired
 * leases are reclaimed (and fresh ones are not), stale, expired and never-issued tokens are refused
 * without revealing the new holder, and renewals extend the lease.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class LeaseContract extends ContractGroup {

  LeaseContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void leaseTokensStrictlyIncreaseAcrossTheBacklog() {
    for (int i = 0; i < 5; i++) {
      create("c" + i);
    }
    List<LeaseToken> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Claim c = claim("w").orElseThrow();
      tokens.add(c.token());
      backlog.release(c.card().id(), c.token());
    }
    for (int i = 1; i < tokens.size(); i++) {
      assertTrue(
          tokens.get(i).compareTo(tokens.get(i - 1)) > 0, () -> "tokens must increase: " + tokens);
    }
  }

  @Test
  void aTokenIssuedInARolledBackTransactionIsNeverIssuedAgain() {
    create("c1");
    LeaseToken rolledBack =
        assertThrows(
                TokenEscape.class,
                () ->
                    backlog.inTransaction(
                        tx -> {
                          throw new TokenEscape(tx.claimOne("w", TTL).orElseThrow().token());
                        }))
            .token;
    assertEquals(CardStatus.READY, card("c1").status());
    Claim claim = claim("w").orElseThrow();
    assertTrue(
        claim.token().compareTo(rolledBack) > 0,
        () ->
            "token "
                + claim.token()
                + " after rolled-back token "
                + rolledBack
                + ": lease tokens come from a sequence that a rollback does not rewind");
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(id("c1"), rolledBack));
  }

  /** Carries a token out of a transaction that is then rolled back. */
  private static final class TokenEscape extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient LeaseToken token;

    TokenEscape(LeaseToken token) {
      super("roll back after claiming", null, false, false);
      this.token = token;
    }
  }

  @Test
  void reclaimReturnsExpiredLeasesToReady() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofSeconds(60)).orElseThrow();
    clock.advance(Duration.ofHours(1));
    assertEquals(List.of(id("c1")), backlog.reclaimExpired());
    Card card = card("c1");
    assertEquals(CardStatus.READY, card.status());
    assertNull(card.lease());
    assertEquals(1, card.attempts());
    Event reclaimed = allEvents().get(allEvents().size() - 1);
    assertEquals(EventType.RECLAIMED, reclaimed.type());
    assertEquals(
        claim.token(), reclaimed.leaseToken(), "a reclaim event carries the revoked lease's token");
  }

  @Test
  void reclaimDoesNotTouchAFreshLease() {
    create("c1");
    backlog.claimOne("w", Duration.ofHours(1)).orElseThrow();
    clock.advance(Duration.ofMinutes(59));
    assertEquals(List.of(), backlog.reclaimExpired());
    assertEquals(CardStatus.CLAIMED, card("c1").status());
    assertEquals(List.of(EventType.CREATED, EventType.CLAIMED), eventTypes());
  }

  @Test
  void aLeaseLapsesExactlyAtItsExpiry() {
    create("c1");
    create("c2");
    Claim one = backlog.claimOne("w", Duration.ofSeconds(30)).orElseThrow();
    Claim two = backlog.claimOne("w", Duration.ofSeconds(31)).orElseThrow();
    clock.advance(Duration.ofSeconds(30));
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(one.card().id(), one.token()));
    assertEquals(1, backlog.stats().expiredLeaseCount());
    assertEquals(List.of(one.card().id()), backlog.reclaimExpired());
    backlog.complete(two.card().id(), two.token());
  }

  @Test
  void reclaimByIdReleasesAFreshLeaseAtOnce() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofHours(1)).orElseThrow();
    Card reclaimed = backlog.reclaim(id("c1"));
    assertEquals(CardStatus.READY, reclaimed.status());
    assertNull(reclaimed.lease());
    assertLeaseLost(CardStatus.READY, () -> backlog.complete(id("c1"), claim.token()));
  }

  @Test
  void reclaimByIdOfACardThatIsNotClaimedIsAnInvalidTransition() {
    create("c1");
    assertInvalidTransition(CardStatus.READY, () -> backlog.reclaim(id("c1")));
    assertRefusedWithoutChange(CardNotFoundException.class, () -> backlog.reclaim(id("ghost")));
  }

  @Test
  void aStaleTokenIsRefusedAfterExpiryAndReclaimByAnotherOwner() {
    create("c1");
    Claim old = backlog.claimOne("slow-worker", Duration.ofSeconds(10)).orElseThrow();
    clock.advance(Duration.ofSeconds(11));
    backlog.reclaimExpired();
    Claim fresh = backlog.claimOne("secret-owner-w2", TTL).orElseThrow();
    assertTrue(fresh.token().compareTo(old.token()) > 0);
    for (Executable stale :
        List.<Executable>of(
            () -> backlog.complete(id("c1"), old.token()),
            () -> backlog.renew(id("c1"), old.token(), TTL),
            () -> backlog.release(id("c1"), old.token()),
            () -> backlog.fail(id("c1"), old.token(), "late"))) {
      LeaseLostException e = assertLeaseLost(CardStatus.CLAIMED, stale);
      assertEquals(id("c1"), e.card());
      assertEquals(old.token(), e.presented());
      assertFalse(
          e.getMessage().contains("secret-owner-w2"),
          () -> "never name the new owner: " + e.getMessage());
      assertFalse(
          e.getMessage().contains("lease " + fresh.token() + " "),
          () -> "never reveal the new token: " + e.getMessage());
    }
    assertEquals(fresh.lease(), card("c1").lease(), "the new holder keeps its lease");
    backlog.complete(id("c1"), fresh.token());
  }

  @Test
  void anExpiredLeaseCannotBeUsedEvenBeforeItIsReclaimed() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofSeconds(10)).orElseThrow();
    clock.advance(Duration.ofSeconds(20));
    LeaseLostException e =
        assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(id("c1"), claim.token()));
    assertEquals(Optional.of(claim.lease().expiresAt()), e.expiresAt());
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.renew(id("c1"), claim.token(), TTL));
  }

  @Test
  void aTokenNeverIssuedIsRefused() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    LeaseToken bogus = LeaseToken.of(claim.token().value() + 1000);
    assertLeaseLost(CardStatus.CLAIMED, () -> backlog.complete(id("c1"), bogus));
  }

  @Test
  void tokenOperationsOnACardThatIsNotClaimedAreRefusedNamingItsStatus() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    backlog.complete(id("c1"), claim.token());
    assertLeaseLost(CardStatus.DONE, () -> backlog.complete(id("c1"), claim.token()));
    assertLeaseLost(CardStatus.DONE, () -> backlog.release(id("c1"), claim.token()));
    create("c2");
    assertLeaseLost(CardStatus.READY, () -> backlog.complete(id("c2"), claim.token()));
    assertRefusedWithoutChange(
        CardNotFoundException.class, () -> backlog.complete(id("ghost"), claim.token()));
  }

  @Test
  void renewExtendsTheLeaseFromNow() {
    create("c1");
    Claim claim = backlog.claimOne("w", Duration.ofSeconds(30)).orElseThrow();
    clock.advance(Duration.ofSeconds(20));
    Card renewed = backlog.renew(id("c1"), claim.token(), Duration.ofSeconds(30));
    assertEquals(clock.instant().plusSeconds(30), renewed.lease().expiresAt());
    assertEquals(claim.token(), renewed.lease().token());
    assertEquals(claim.lease().claimedAt(), renewed.lease().claimedAt());
    clock.advance(Duration.ofSeconds(20));
    assertEquals(List.of(), backlog.reclaimExpired());
    backlog.complete(id("c1"), claim.token());
    assertEquals(CardStatus.DONE, card("c1").status());
  }
}
