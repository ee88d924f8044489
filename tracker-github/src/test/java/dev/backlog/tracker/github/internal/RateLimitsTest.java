package dev.backlog.tracker.github.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void retryAfterWinsOverEveryOtherHeader() {
    RateLimits.Refusal r =
        RateLimits.refusal(429, "17", "0", String.valueOf(NOW.getEpochSecond() + 999), null, NOW, 0)
            .orElseThrow();
    assertEquals(Duration.ofSeconds(17), r.delay());
    assertEquals(RateLimits.Kind.SECONDARY, r.kind());
  }

  @Test
  void aPrimaryLimitWaitsUntilTheResetPlusASecond() {
    RateLimits.Refusal r =
        RateLimits.refusal(
                403,
                null,
                "0",
                String.valueOf(NOW.getEpochSecond() + 100),
                "API rate limit exceeded",
                NOW,
                0)
            .orElseThrow();
    assertEquals(RateLimits.Kind.PRIMARY, r.kind());
    assertEquals(Duration.ofSeconds(101), r.delay());
    assertEquals(NOW.plusSeconds(101), r.resetAt());
    assertEquals(
        Duration.ofSeconds(1),
        RateLimits.refusal(403, null, "0", String.valueOf(NOW.getEpochSecond() - 5), null, NOW, 0)
            .orElseThrow()
            .delay(),
        "a reset in the past still waits a moment");
  }

  @Test
  void aSecondaryLimitWithoutHeadersBacksOffFromAMinuteDoublingUpToACap() {
    for (int n = 0; n < 3; n++) {
      RateLimits.Refusal r =
          RateLimits.refusal(
                  403, null, "4999", null, "You have exceeded a secondary rate limit", NOW, n)
              .orElseThrow();
      assertEquals(Duration.ofSeconds(60L << n), r.delay());
    }
    assertEquals(RateLimits.SECONDARY_CAP, RateLimits.backoff(40));
    assertEquals(
        Duration.ofSeconds(60),
        RateLimits.refusal(429, null, null, null, null, NOW, 0).orElseThrow().delay());
  }

  @Test
  void otherRefusalsAreNotRateLimits() {
    assertEquals(
        Optional.empty(),
        RateLimits.refusal(
            403, null, "4000", null, "Resource not accessible by integration", NOW, 0));
    assertEquals(Optional.empty(), RateLimits.refusal(500, "5", "0", "1", "rate limit", NOW, 0));
    assertEquals(Optional.empty(), RateLimits.refusal(404, null, null, null, null, NOW, 0));
  }

  @Test
  void anExhaustedBudgetMeansWaitingBeforeTheNextRequestOnly() {
    assertEquals(
        Optional.of(Duration.ofSeconds(31)),
        RateLimits.exhaustedWait("0", String.valueOf(NOW.getEpochSecond() + 30), NOW));
    assertTrue(
        RateLimits.exhaustedWait("1", String.valueOf(NOW.getEpochSecond() + 30), NOW).isEmpty());
    assertTrue(
        RateLimits.exhaustedWait("0", String.valueOf(NOW.getEpochSecond() - 1), NOW).isEmpty());
    assertTrue(RateLimits.exhaustedWait("garbage", null, NOW).isEmpty());
  }
}
