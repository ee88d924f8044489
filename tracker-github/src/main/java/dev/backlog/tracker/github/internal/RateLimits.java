package dev.backlog.tracker.github.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides from an answer's status, headers and message whether GitHub refused a request for a rate
 * limit and how long to wait before sending it again, following GitHub's rules: a {@code
 * retry-after} header wins; else a primary limit ({@code x-ratelimit-remaining: 0}) waits until
 * {@code x-ratelimit-reset}; else a secondary limit (403 or 429 saying so, with no header) waits at
 * least a minute, doubling with each consecutive refusal.
 *
 * <p>Stateless and thread-safe.
 */
public final class RateLimits {

  /** The wait for a secondary limit without any header, doubled for each consecutive refusal. */
  public static final Duration SECONDARY_BASE = Duration.ofSeconds(60);

  /** The longest backoff for a secondary limit without a header. */
  public static final Duration SECONDARY_CAP = Duration.ofMinutes(30);

  private RateLimits() {}

  /** What kind of limit refused a request. */
  public enum Kind {
    /** The hourly budget is used up; wait until it resets. */
    PRIMARY,
    /** Too many requests too fast; wait as told, or back off. */
    SECONDARY
  }

  /**
   * A refusal for a rate limit.
   *
   * @param kind which limit
   * @param delay how long to wait before retrying
   * @param resetAt when the limit lifts
   */
  public record Refusal(Kind kind, Duration delay, Instant resetAt) {}

  /** Reads a header as a whole number. */
  public static OptionalLong number(String value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether an answer is a rate-limit refusal and how long to wait.
   *
   * @param status the HTTP status
   * @param retryAfter the {@code retry-after} header, or null
   * @param remaining the {@code x-ratelimit-remaining} header, or null
   * @param reset the {@code x-ratelimit-reset} header (epoch seconds), or null
   * @param message the error message of the body, or null
   * @param now the current time
   * @param consecutive how many rate-limit refusals this request already met (0 for the first)
   */
  public static Optional<Refusal> refusal(
      int status,
      String retryAfter,
      String remaining,
      String reset,
      String message,
      Instant now,
      int consecutive) {
    if (status != 403 && status != 429) {
      return Optional.empty();
    }
    OptionalLong after = number(retryAfter);
    if (after.isPresent()) {
      Duration wait = Duration.ofSeconds(Math.max(1, after.getAsLong()));
      return Optional.of(new Refusal(Kind.SECONDARY, wait, now.plus(wait)));
    }
    OptionalLong left = number(remaining);
    OptionalLong resetAt = number(reset);
    if (left.isPresent() && left.getAsLong() == 0 && resetAt.isPresent()) {
      Instant at = Instant.ofEpochSecond(resetAt.getAsLong());
      Duration wait = Duration.between(now, at).plusSeconds(1);
      if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
        wait = Duration.ofSeconds(1);
      }
      return Optional.of(new Refusal(Kind.PRIMARY, wait, now.plus(wait)));
    }
    String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (status == 429 || text.contains("rate limit") || text.contains("abuse")) {
      Duration wait = backoff(consecutive);
      return Optional.of(new Refusal(Kind.SECONDARY, wait, now.plus(wait)));
    }
    return Optional.empty();
  }

  /**
   * The wait for the n-th consecutive (0-based) secondary refusal without a header: 60 s, 120 s,
   * 240 s, … capped.
   */
  public static Duration backoff(int consecutive) {
    int shift = Math.min(Math.max(consecutive, 0), 10);
    Duration wait = SECONDARY_BASE.multipliedBy(1L << shift);
    return wait.compareTo(SECONDARY_CAP) > 0 ? SECONDARY_CAP : wait;
  }

  /**
   * How long to wait before the next request on a resource whose last answer said the budget is
   * used up ({@code remaining} 0 and a reset in the future); empty when no wait is needed.
   */
  public static Optional<Duration> exhaustedWait(String remaining, String reset, Instant now) {
    OptionalLong left = number(remaining);
    OptionalLong resetAt = number(reset);
    if (left.isEmpty() || left.getAsLong() > 0 || resetAt.isEmpty()) {
      return Optional.empty();
    }
    Duration wait = Duration.between(now, Instant.ofEpochSecond(resetAt.getAsLong()));
    return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait.plusSeconds(1));
  }
}
