package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Card;
import dev.backlog.core.CardStatus;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.Explanation;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.core.Stats;
import dev.backlog.core.VersionConflictException;
import dev.backlog.core.Waves;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Scheduling visibility: lease phase and attributes (set at claim, changed by the holder on renew,
 * fenced), the attempt history with every outcome, completion evidence, defer and undefer (a
 * deferred card is never claimed and the sweep lifts a deferral whose time has come), explain,
 * queue, waves and update, with their refusals.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class SchedulingContract extends ContractGroup {

  SchedulingContract(BacklogStoreContract contract) {
    super(contract);
  }

  private Claim claimWith(String owner, String phase, Map<String, String> attributes) {
    return backlog
        .claim(
            ClaimRequest.builder(owner).ttl(TTL).leasePhase(phase).attributes(attributes).build())
        .get(0);
  }

  private Event last(EventType type) {
    List<Event> events = allEvents();
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).type() == type) {
        return events.get(i);
      }
    }
    throw new AssertionError("no " + type + " event in " + events);
  }

  // ---------------------------------------------------------------- lease metadata

  @Test
  void aClaimCarriesTheLeasePhaseAndAttributesIntoTheCardAndTheEvent() {
    create("c1");
    Claim claim = claimWith("w", "implementing", Map.of("branch", "feat/x", "worktree", "/w/1"));
    Card card = card("c1");
    assertEquals("implementing", card.lease().phase());
    assertEquals(Map.of("branch", "feat/x", "worktree", "/w/1"), card.lease().attributes());
    assertEquals(card.lease(), claim.lease());
    String data = last(EventType.CLAIMED).data();
    assertTrue(data.contains("\"phase\":\"implementing\""), data);
    assertTrue(data.contains("\"attributes\":{\"branch\":\"feat/x\",\"worktree\":\"/w/1\"}"), data);
    Stats stats = backlog.stats();
    assertEquals(Map.of("implementing", 1L), stats.byLeasePhase());
  }

  @Test
  void theHolderChangesPhaseAndAttributesOnRenewAndTheRenewedEventSaysSo() {
    create("c1");
    Claim claim = claimWith("w", "implementing", Map.of("branch", "a"));
    Card renewed =
        backlog.renew(
            claim.card().id(),
            claim.token(),
            TTL,
            LeaseChange.of("testing", Map.of("session", "s1")));
    assertEquals("testing", renewed.lease().phase());
    assertEquals(Map.of("branch", "a", "session", "s1"), renewed.lease().attributes());
    assertEquals(renewed, card("c1"));
    String data = last(EventType.RENEWED).data();
    assertTrue(data.contains("\"phase\":\"testing\""), data);
    assertTrue(data.contains("\"attributes\":{\"branch\":\"a\",\"session\":\"s1\"}"), data);
  }

  @Test
  void aRenewWithAStaleTokenCannotChangeTheLeaseMetadata() {
    create("c1");
    Claim first = claimWith("w1", "implementing", Map.of());
    clock.advance(TTL.plusSeconds(1));
    backlog.reclaimExpired();
    claimWith("w2", "testing", Map.of());
    assertLeaseLost(
        CardStatus.CLAIMED,
        () ->
            backlog.renew(
                first.card().id(), first.token(), TTL, LeaseChange.of("merging", Map.of())));
    assertEquals("testing", card("c1").lease().phase());
  }

  @Test
  void aRenewThatWouldHoldMoreThanSixteenAttributesIsRefusedWithoutChange() {
    create("c1");
    Map<String, String> sixteen = new TreeMap<>();
    for (int i = 0; i < 16; i++) {
      sixteen.put("k" + i, "v");
    }
    Claim claim = claimWith("w", null, sixteen);
    InvalidInputException e =
        assertRefusedWithoutChange(
            InvalidInputException.class,
            () ->
                backlog.renew(
                    claim.card().id(), claim.token(), TTL, LeaseChange.of(null, Map.of("x", "y"))));
    assertTrue(e.getMessage().contains("17 attributes; at most 16"), e.getMessage());
  }

  // ---------------------------------------------------------------- history and evidence

  @Test
  void everyClaimOpensARunAndEachEndingHasItsOutcome() {
    create("c1");
    Claim a = claimWith("w1", "implementing", Map.of("k", "1"));
    backlog.release(a.card().id(), a.token());
    Claim b = claimCard("w2", "c1");
    backlog.fail(b.card().id(), b.token(), "tests red");
    Claim c = claimCard("w3", "c1");
    clock.advance(TTL.plusSeconds(1));
    backlog.reclaimExpired();
    backlog.unblock(id("c1"));
    Claim d = claimCard("w4", "c1");
    backlog.reclaim(id("c1"));
    Claim e = claimCard("w5", "c1");
    backlog.block(id("c1"), "waiting for a decision");
    backlog.unblock(id("c1"));
    Claim f = claimCard("w6", "c1");
    backlog.forceComplete(id("c1"));
    backlog.reopen(id("c1"));
    Claim g = claimCard("w7", "c1");
    backlog.complete(g.card().id(), g.token(), "{\"tests\":\"42 passed\",\"commit\":\"ab12\"}");
    List<Run> runs = backlog.history(id("c1"));
    assertEquals(
        List.of(
            RunOutcome.RELEASED,
            RunOutcome.FAILED,
            RunOutcome.LAPSED,
            RunOutcome.REVOKED,
            RunOutcome.REVOKED,
            RunOutcome.FORCE_COMPLETED,
            RunOutcome.COMPLETED),
        runs.stream().map(Run::outcome).toList());
    assertEquals(
        List.of(a.token(), b.token(), c.token(), d.token(), e.token(), f.token(), g.token()),
        runs.stream().map(Run::token).toList());
    assertEquals("implementing", runs.get(0).phase());
    assertEquals(Map.of("k", "1"), runs.get(0).attributes());
    assertEquals("tests red", runs.get(1).reason());
    assertTrue(runs.get(2).reason() != null, "a lapse that blocked the card says why");
    assertEquals("waiting for a decision", runs.get(4).reason());
    assertEquals("{\"tests\":\"42 passed\",\"commit\":\"ab12\"}", runs.get(6).evidence());
    assertEquals("w7", runs.get(6).owner());
    String data = last(EventType.COMPLETED).data();
    assertTrue(data.contains("\"evidence\":{\"tests\":\"42 passed\",\"commit\":\"ab12\"}"), data);
  }

  @Test
  void theOpenRunIsTheCurrentLease() {
    create("c1");
    assertEquals(List.of(), backlog.history(id("c1")));
    Claim claim = claimWith("w", "testing", Map.of("branch", "b"));
    List<Run> runs = backlog.history(id("c1"));
    assertEquals(1, runs.size());
    assertNull(runs.get(0).outcome());
    assertNull(runs.get(0).endedAt());
    assertEquals(claim.token(), runs.get(0).token());
    assertEquals("testing", runs.get(0).phase());
  }

  @Test
  void evidenceThatIsNotAJsonObjectIsRefusedWithoutChange() {
    create("c1");
    Claim claim = claim("w").orElseThrow();
    InvalidInputException e =
        assertRefusedWithoutChange(
            InvalidInputException.class,
            () -> backlog.complete(claim.card().id(), claim.token(), "[\"42 passed\"]"));
    assertTrue(e.getMessage().contains("JSON object"), e.getMessage());
    assertEquals(CardStatus.CLAIMED, card("c1").status());
  }

  // ---------------------------------------------------------------- defer

  @Test
  void aDeferredCardIsNotClaimedUntilTheSweepLiftsItsDeferral() {
    create("c1", 5);
    create("c2", 1);
    Instant until = clock.instant().plus(Duration.ofHours(2));
    Card deferred = backlog.defer(id("c1"), until);
    assertEquals(until, deferred.notBefore());
    assertEquals(CardStatus.READY, deferred.status());
    assertEquals(List.of("c2"), claimable());
    Stats stats = backlog.stats();
    assertEquals(1, stats.deferred());
    assertEquals(1, stats.claimable());
    assertEquals(
        List.of("c2"), claimedIds(backlog.claim(ClaimRequest.builder("w").limit(2).build())));
    assertEquals(List.of(), backlog.claim(ClaimRequest.builder("w").card(id("c1")).build()));
    clock.advance(Duration.ofHours(1));
    assertEquals(List.of(), backlog.wakeDeferred(), "the deferral has not run out yet");
    clock.advance(Duration.ofHours(1));
    assertEquals(List.of(id("c1")), backlog.wakeDeferred());
    assertNull(card("c1").notBefore());
    assertEquals(List.of("c1"), claimedIds(backlog.claim(ClaimRequest.builder("w").build())));
    assertTrue(last(EventType.UNDEFERRED).data().contains("\"expired\":true"));
  }

  @Test
  void undeferLiftsADeferralAtOnceAndIsANoOpOnACardThatIsNotDeferred() {
    create("c1");
    backlog.deferFor(id("c1"), Duration.ofHours(2));
    assertEquals(clock.instant().plus(Duration.ofHours(2)), card("c1").notBefore());
    int events = allEvents().size();
    Card lifted = backlog.undefer(id("c1"));
    assertNull(lifted.notBefore());
    assertEquals(List.of("c1"), claimable());
    assertEquals(events + 1, allEvents().size());
    assertTrue(last(EventType.UNDEFERRED).data().contains("\"expired\":false"));
    assertEquals(lifted, backlog.undefer(id("c1")));
    assertEquals(events + 1, allEvents().size(), "a second undefer writes nothing");
  }

  @Test
  void aDeferralInThePastOrOfAClaimedCardIsRefusedWithoutChange() {
    create("c1");
    InvalidInputException past =
        assertRefusedWithoutChange(
            InvalidInputException.class,
            () -> backlog.defer(id("c1"), clock.instant().minusSeconds(1)));
    assertTrue(past.getMessage().contains("is not after the store clock"), past.getMessage());
    assertRefusedWithoutChange(
        InvalidInputException.class, () -> backlog.deferFor(id("c1"), Duration.ofSeconds(-5)));
    claim("w");
    assertInvalidTransition(
        CardStatus.CLAIMED, () -> backlog.deferFor(id("c1"), Duration.ofHours(1)));
  }

  // ---------------------------------------------------------------- explain, queue, waves

  @Test
  void explainNamesEveryReasonAndRanksClaimableCards() {
    create("a", 1);
    create("b", 3);
    createDependent("d", "a");
    create("e");
    create("x");
    backlog.deferFor(id("e"), Duration.ofHours(1));
    backlog.block(id("x"), "needs a decision");
    Claim held = claimCard("w", "a");
    Explanation b = backlog.explain(id("b"));
    assertTrue(b.claimable());
    assertEquals(1L, b.rank());
    Explanation d = backlog.explain(id("d"));
    assertFalse(d.claimable());
    assertNull(d.rank());
    assertEquals("unmet-dependency", d.reasons().get(0).kind());
    assertEquals(id("a"), d.reasons().get(0).card());
    assertEquals(CardStatus.CLAIMED, d.reasons().get(0).status());
    Explanation a = backlog.explain(id("a"));
    assertEquals("leased", a.reasons().get(0).kind());
    assertEquals("w", a.reasons().get(0).detail());
    assertEquals(held.lease().expiresAt(), a.reasons().get(0).until());
    assertEquals("deferred", backlog.explain(id("e")).reasons().get(0).kind());
    assertEquals("blocked", backlog.explain(id("x")).reasons().get(0).kind());
    assertEquals("needs a decision", backlog.explain(id("x")).reasons().get(0).detail());
    backlog.complete(held.card().id(), held.token());
    assertEquals("done", backlog.explain(id("a")).reasons().get(0).kind());
    assertEquals(2L, backlog.explain(id("d")).rank());
  }

  @Test
  void explainNamesExhaustedAttempts() {
    backlog.create(dev.backlog.core.NewCard.builder("p").title("poison").maxAttempts(1).build());
    Claim claim = claim("w").orElseThrow();
    backlog.fail(claim.card().id(), claim.token(), "crash");
    List<String> kinds =
        backlog.explain(id("p")).reasons().stream().map(Explanation.Reason::kind).toList();
    assertEquals(List.of("attempts-exhausted", "blocked"), kinds);
    assertEquals(1, backlog.explain(id("p")).reasons().get(0).maxAttempts());
  }

  @Test
  void theQueueIsTheOrderClaimsTakeCardsIn() {
    create("a", 1);
    create("b", 3);
    create("c", 3);
    createDependent("d", "a");
    backlog.create(dev.backlog.core.NewCard.builder("e").title("e").phase("test").build());
    List<String> queue = ids(backlog.queue(null, 20));
    assertEquals(List.of("b", "c", "a", "e"), queue);
    assertEquals(List.of("e"), ids(backlog.queue("test", 20)));
    assertEquals(List.of("b", "c"), ids(backlog.queue(null, 2)));
    assertEquals(
        queue, claimedIds(backlog.claim(ClaimRequest.builder("w").ttl(TTL).limit(10).build())));
  }

  @Test
  void wavesShowTheParallelismAndTheCriticalPath() {
    create("a1");
    create("a2");
    createDependent("b1", "a1", "a2");
    createDependent("c1", "b1");
    Waves waves = backlog.waves(null);
    assertEquals(
        List.of(List.of(id("a1"), id("a2")), List.of(id("b1")), List.of(id("c1"))), waves.waves());
    assertEquals(2, waves.maxParallelism());
    assertEquals(3, waves.criticalPath().size());
    assertEquals(id("c1"), waves.criticalPath().get(2));
  }

  // ---------------------------------------------------------------- update

  @Test
  void anUpdateEditsDescriptiveFieldsWithAnUpdatedEvent() {
    create("c1");
    Card before = card("c1");
    Card after =
        backlog.update(
            id("c1"),
            CardUpdate.builder().title("New title").priority(7).phase("review").build(),
            before.version());
    assertEquals("New title", after.title());
    assertEquals(7, after.priority());
    assertEquals("review", after.phase());
    assertEquals(before.version() + 1, after.version());
    assertEquals(after, card("c1"));
    String data = last(EventType.UPDATED).data();
    assertTrue(data.contains("\"title\":\"New title\""), data);
    assertEquals(1L, backlog.stats().byPhase().get("review").get(CardStatus.READY));
    int events = allEvents().size();
    assertEquals(after, backlog.update(id("c1"), CardUpdate.builder().priority(7).build(), null));
    assertEquals(events, allEvents().size(), "an update that changes nothing writes nothing");
  }

  @Test
  void anUpdateWithAStaleVersionIsRefusedWithoutChange() {
    create("c1");
    long version = card("c1").version();
    backlog.update(id("c1"), CardUpdate.builder().priority(2).build(), null);
    VersionConflictException e =
        assertRefusedWithoutChange(
            VersionConflictException.class,
            () -> backlog.update(id("c1"), CardUpdate.builder().title("x").build(), version));
    assertEquals(version + 1, e.actual());
  }
}
