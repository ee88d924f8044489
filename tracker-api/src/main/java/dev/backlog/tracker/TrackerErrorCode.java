package dev.backlog.tracker;

import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;

/** The error codes raised by trackers, their configuration and discovery. */
public enum TrackerErrorCode implements ErrorCode {
  /**
   * See {@link TrackerConfigException}: a config file or field is malformed, missing or unknown.
   */
  TRACKER_CONFIG_INVALID(ErrorCategory.INVALID_INPUT),
  /** See {@link FeatureNotFoundException}. */
  FEATURE_NOT_FOUND(ErrorCategory.NOT_FOUND),
  /** See {@link FeatureExistsException}. */
  FEATURE_EXISTS(ErrorCategory.CONFLICT),
  /** See {@link StatusTransitionException}. */
  STATUS_TRANSITION_REFUSED(ErrorCategory.CONFLICT),
  /** See {@link ChangelogFormatException}. */
  CHANGELOG_FORMAT(ErrorCategory.INVALID_INPUT),
  /** See {@link TrackerStateException}: a tracker file is unreadable or could not be written. */
  TRACKER_STATE(ErrorCategory.UNAVAILABLE),
  /**
   * See {@link dev.backlog.tracker.spi.ResponseLostException}: a write may have reached the remote
   * but its answer was lost; the op-log looks it up before sending it again.
   */
  RESPONSE_LOST(ErrorCategory.UNAVAILABLE),
  /** A provider failed in a way that fits no other code. */
  TRACKER_FAILURE(ErrorCategory.UNEXPECTED);

  private final ErrorCategory category;

  TrackerErrorCode(ErrorCategory category) {
    this.category = category;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }
}
