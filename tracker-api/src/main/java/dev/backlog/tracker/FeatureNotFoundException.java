package dev.backlog.tracker;

import dev.backlog.core.CardId;

/** The tracker holds no feature with the given code. Nothing changed. */
public final class FeatureNotFoundException extends TrackerException {

  private static final long serialVersionUID = 1L;

  private final CardId feature;

  /** Creates the exception for a code. */
  public FeatureNotFoundException(CardId code, String tracker) {
    super(
        TrackerErrorCode.FEATURE_NOT_FOUND,
        "feature "
            + code
            + " does not exist in the "
            + tracker
            + " tracker; create it first (createFeature, or let the bridge mirror the card)");
    this.feature = code;
  }

  /** The feature code that was not found. */
  public CardId feature() {
    return feature;
  }
}
