package dev.backlog.core;

/** No card has the given id. */
public final class CardNotFoundException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final CardId card;

  /** Creates the exception for the missing card. */
  public CardNotFoundException(CardId card) {
    super(CoreErrorCode.CARD_NOT_FOUND, "card " + card + " does not exist; check the id");
    this.card = card;
  }

  /** The id that was not found. */
  public CardId card() {
    return card;
  }
}
