package dev.backlog.tracker;

import dev.backlog.core.CardId;

/**
 * A status change was refused: either {@code setStatus} asked for a transition the {@link
 * TransitionPolicy} forbids, or {@code putFeature} tried to change the status (which only {@code
 * setStatus} may do). Nothing changed.
 */
public final class StatusTransitionException extends TrackerException {

  private static final long serialVersionUID = 1L;

  private final CardId feature;
  private final FeatureStatus from;
  private final FeatureStatus to;

  /** Creates the exception with a message saying why and what to do instead. */
  public StatusTransitionException(
      CardId code, FeatureStatus from, FeatureStatus to, String message) {
    super(TrackerErrorCode.STATUS_TRANSITION_REFUSED, message);
    this.feature = code;
    this.from = from;
    this.to = to;
  }

  /** The feature concerned. */
  public CardId feature() {
    return feature;
  }

  /** Its current status. */
  public FeatureStatus from() {
    return from;
  }

  /** The status that was asked for. */
  public FeatureStatus to() {
    return to;
  }
}
