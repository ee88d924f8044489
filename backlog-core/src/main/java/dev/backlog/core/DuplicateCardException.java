package dev.backlog.core;

/** A card with the given id already exists and no matching idempotency key was given. */
public final class DuplicateCardException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final CardId card;

  /** Creates the exception for the existing card. */
  public DuplicateCardException(CardId card) {
    super(
        CoreErrorCode.DUPLICATE_CARD,
        "card "
            + card
            + " already exists; choose another id,"
            + " or create with an idempotency key to make retries safe");
    this.card = card;
  }

  /** The id that is taken. */
  public CardId card() {
    return card;
  }
}
