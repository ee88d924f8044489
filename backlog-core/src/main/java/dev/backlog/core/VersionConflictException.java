package dev.backlog.core;

/** An update named the version it expected, and the card has moved on since. Nothing changed. */
public final class VersionConflictException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final CardId card;
  private final long expected;
  private final long actual;

  /** Creates the exception. */
  public VersionConflictException(CardId card, long expected, long actual) {
    super(
        CoreErrorCode.VERSION_CONFLICT,
        "card "
            + card
            + " is at version "
            + actual
            + ", not "
            + expected
            + ": it changed since it was read; read it again and retry with --if-version "
            + actual);
    this.card = card;
    this.expected = expected;
    this.actual = actual;
  }

  /** The card. */
  public CardId card() {
    return card;
  }

  /** The version the caller expected. */
  public long expected() {
    return expected;
  }

  /** The card's version. */
  public long actual() {
    return actual;
  }
}
