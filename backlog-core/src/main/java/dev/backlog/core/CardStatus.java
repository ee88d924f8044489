package dev.backlog.core;

import java.util.Locale;

/** Where a card is in its life: {@code ready → claimed → done}, with {@code blocked} beside. */
public enum CardStatus {
  /** Waiting for a worker; claimable once every dependency is done. */
  READY,
  /** Held by a worker under a lease. */
  CLAIMED,
  /** Set aside by a person or by poison-card protection; never claimable. */
  BLOCKED,
  /** Finished; dependents may now be claimed. */
  DONE;

  /** The lower-case name used on the wire and in the CLI ({@code "ready"}, …). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name, ignoring case.
   *
   * @throws InvalidInputException naming the accepted values when the text is not a status
   */
  public static CardStatus fromWireName(String text) {
    if (text != null) {
      for (CardStatus status : values()) {
        if (status.name().equalsIgnoreCase(text.trim())) {
          return status;
        }
      }
    }
    throw new InvalidInputException(
        java.util.List.of(
            new Violation(
                "status",
                "status '" + text + "' is not known; use one of ready, claimed, blocked, done")));
  }
}
