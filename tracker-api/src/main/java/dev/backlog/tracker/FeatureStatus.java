package dev.backlog.tracker;

import dev.backlog.core.CardStatus;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import java.util.List;
import java.util.Locale;

/**
 * A feature's status as trackers show it. Each card status maps to exactly one feature status:
 * ready → planned, claimed → in_progress, blocked → blocked, done → complete.
 */
public enum FeatureStatus {
  /** Waiting to be worked on (card {@code ready}). */
  PLANNED,
  /** Being worked on (card {@code claimed}). */
  IN_PROGRESS,
  /** Set aside (card {@code blocked}). */
  BLOCKED,
  /** Finished (card {@code done}). */
  COMPLETE;

  /** The lower-case name used in files and on the wire ({@code "in_progress"}, …). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The feature status that mirrors a card status. */
  public static FeatureStatus of(CardStatus status) {
    switch (status) {
      case READY:
        return PLANNED;
      case CLAIMED:
        return IN_PROGRESS;
      case BLOCKED:
        return BLOCKED;
      case DONE:
        return COMPLETE;
      default:
        throw new IllegalArgumentException("unknown card status " + status);
    }
  }

  /**
   * Parses a wire name, ignoring case.
   *
   * @throws InvalidInputException naming the accepted values when the text is not a status
   */
  public static FeatureStatus fromWireName(String text) {
    if (text != null) {
      for (FeatureStatus status : values()) {
        if (status.name().equalsIgnoreCase(text.trim())) {
          return status;
        }
      }
    }
    throw new InvalidInputException(
        List.of(
            new Violation(
                "status",
                "feature status '"
                    + text
                    + "' is not known; use one of planned, in_progress, blocked, complete")));
  }
}
