package dev.backlog.tracker;

import dev.backlog.core.CardId;

/** {@code createFeature} was called for a code the tracker already holds. Nothing changed. */
public final class FeatureExistsException extends TrackerException {

  private static final long serialVersionUID = 1L;

  private final CardId feature;

  /** Creates the exception for a code. */
  public FeatureExistsException(CardId code, String tracker) {
    super(
        TrackerErrorCode.FEATURE_EXISTS,
        "feature "
            + code
            + " already exists in the "
            + tracker
            + " tracker; use putFeature to overwrite it");
    this.feature = code;
  }

  /** The code that already exists. */
  public CardId feature() {
    return feature;
  }
}
