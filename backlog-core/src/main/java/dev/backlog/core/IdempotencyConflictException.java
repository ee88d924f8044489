package dev.backlog.core;

/** An idempotency key was reused with different card content. */
public final class IdempotencyConflictException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final CardId existing;

  /** Creates the exception for the key and the card created with it. */
  public IdempotencyConflictException(String key, CardId existing) {
    super(
        CoreErrorCode.IDEMPOTENCY_CONFLICT,
        "idempotency key '"
            + key
            + "' was already used to create card "
            + existing
            + " with different content; use a new key for new content, or resend the original content");
    this.key = key;
    this.existing = existing;
  }

  /** The reused key. */
  public String key() {
    return key;
  }

  /** The card that was created with the key. */
  public CardId existing() {
    return existing;
  }
}
