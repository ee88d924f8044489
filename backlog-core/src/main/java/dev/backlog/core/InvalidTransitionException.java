package dev.backlog.core;

/** The operation is not allowed from the card's current status. */
public final class InvalidTransitionException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final CardId card;
  private final CardStatus current;
  private final String operation;

  /**
   * Creates the exception.
   *
   * @param card the card
   * @param current its current status
   * @param operation the refused operation, such as {@code unblock}
   * @param allowedFrom the statuses the operation accepts, for the message (e.g. "blocked")
   */
  public InvalidTransitionException(
      CardId card, CardStatus current, String operation, String allowedFrom) {
    super(
        CoreErrorCode.INVALID_TRANSITION,
        "cannot "
            + operation
            + " card "
            + card
            + ": it is "
            + current.wireName()
            + ", and "
            + operation
            + " needs a card that is "
            + allowedFrom);
    this.card = card;
    this.current = current;
    this.operation = operation;
  }

  /** The card. */
  public CardId card() {
    return card;
  }

  /** The status the card was in. */
  public CardStatus current() {
    return current;
  }

  /** The refused operation. */
  public String operation() {
    return operation;
  }
}
