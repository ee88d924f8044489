package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Explanation.Reason#text()}: each kind of reason as a person reads it. */
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
}
