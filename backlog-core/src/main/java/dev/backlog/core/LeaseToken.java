package dev.backlog.core;

/**
 * A fencing token: strictly increasing across the whole backlog, one per claim. A lease-holder
 * operation presents it; a token that is no longer the card's current one is refused with {@link
 * LeaseLostException}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the token, at least 1
 */
public record LeaseToken(long value) implements Comparable<LeaseToken> {

  /** Validates that the token is positive. */
  public LeaseToken {
    if (value < 1) {
      throw new InvalidInputException(
          java.util.List.of(
              new Violation(
                  "token",
                  "lease token "
                      + value
                      + " is not valid; tokens are positive numbers returned by claim")));
    }
  }

  /** Returns the token with the given value. */
  public static LeaseToken of(long value) {
    return new LeaseToken(value);
  }

  @Override
  public int compareTo(LeaseToken other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
