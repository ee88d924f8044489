package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Explanation.Reason#text()} and {@link Explanation#summary}: each kind of reason, and a
 * card's claimability, as a person reads them.
 */
class ExplanationTextTest {

  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  private static String text(
      String kind,
      CardId card,
      CardStatus status,
      String detail,
      Instant until,
      Integer attempts,
      Integer max) {
    return new Explanation.Reason(kind, card, status, detail, until, attempts, max).text();
  }

  @Test
  void everyKindReadsAsASentence() {
    assertEquals(
        "waits for A1, which is claimed",
        text("unmet-dependency", CardId.of("A1"), CardStatus.CLAIMED, null, null, null, null));
    assertEquals(
        "waits for A9, which does not exist",
        text("unmet-dependency", CardId.of("A9"), null, null, null, null, null));
    assertEquals(
        "blocked: waiting on counsel",
        text("blocked", null, null, "waiting on counsel", null, null, null));
    assertEquals("blocked (no reason given)", text("blocked", null, null, null, null, null, null));
    assertEquals(
        "claimed by w1 until 2026-12-07T10:00:00Z",
        text("leased", null, null, "w1", T, null, null));
    assertEquals(
        "deferred until 2026-12-07T10:00:00Z", text("deferred", null, null, null, T, null, null));
    assertEquals("done already", text("done", null, null, null, null, null, null));
    assertEquals("used 3 of 3 attempts", text("attempts-exhausted", null, null, null, null, 3, 3));
  }

  private static Explanation.Reason reason(String kind, CardId card, String detail, Instant until) {
    return new Explanation.Reason(
        kind, card, card == null ? null : CardStatus.READY, detail, until, null, null);
  }

  private static Explanation notClaimable(Explanation.Reason... reasons) {
    return new Explanation(CardId.of("B"), false, List.of(reasons), null, 0, T);
  }

  @Test
  void summarySaysTheRankOrWhatTheCardWaitsFor() {
    assertEquals(
        "claimable: rank 3 in claim order",
        new Explanation(CardId.of("B"), true, List.of(), 3L, 0, T).summary(Set.of()));
    Explanation waiting =
        notClaimable(
            reason("deferred", null, null, T),
            reason("unmet-dependency", CardId.of("A"), null, null));
    assertEquals(
        "waiting: deferred until 2026-12-07T10:00:00Z; waits for A, which is ready",
        waiting.summary(Set.of()));
    assertEquals("waiting: waits for A, which is ready", waiting.summary(Set.of("deferred")));
  }

  @Test
  void summaryOfAHeldCardNamesItsHolderWithoutWaiting() {
    assertEquals(
        "claimed by w1 until 2026-12-07T10:00:00Z",
        notClaimable(reason("leased", null, "w1", T)).summary(Set.of()));
    assertEquals("done already", notClaimable(reason("done", null, null, null)).summary(Set.of()));
  }

  @Test
  void summaryIsEmptyWhenEveryReasonIsOmitted() {
    assertEquals(
        "", notClaimable(reason("blocked", null, "counsel", null)).summary(Set.of("blocked")));
  }
}
