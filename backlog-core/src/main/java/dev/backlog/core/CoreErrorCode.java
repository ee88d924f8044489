package dev.backlog.core;

/** The error codes raised by the core and by stores. */
public enum CoreErrorCode implements ErrorCode {
  /** See {@link CardNotFoundException}. */
  CARD_NOT_FOUND(ErrorCategory.NOT_FOUND),
  /** See {@link DuplicateCardException}. */
  DUPLICATE_CARD(ErrorCategory.CONFLICT),
  /** See {@link LeaseLostException}. */
  LEASE_LOST(ErrorCategory.CONFLICT),
  /** See {@link InvalidTransitionException}. */
  INVALID_TRANSITION(ErrorCategory.CONFLICT),
  /** See {@link DependencyCycleException}. */
  DEPENDENCY_CYCLE(ErrorCategory.CONFLICT),
  /** See {@link UnknownDependencyException}. */
  UNKNOWN_DEPENDENCY(ErrorCategory.INVALID_INPUT),
  /** See {@link IdempotencyConflictException}. */
  IDEMPOTENCY_CONFLICT(ErrorCategory.CONFLICT),
  /** See {@link InvalidInputException}. */
  INVALID_INPUT(ErrorCategory.INVALID_INPUT),
  /** See {@link VersionConflictException}. */
  VERSION_CONFLICT(ErrorCategory.CONFLICT),
  /** See {@link StoreUnavailableException}. */
  STORE_UNAVAILABLE(ErrorCategory.UNAVAILABLE),
  /** A failure inside a store that fits no other code. */
  STORE_FAILURE(ErrorCategory.UNEXPECTED);

  private final ErrorCategory category;

  CoreErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
