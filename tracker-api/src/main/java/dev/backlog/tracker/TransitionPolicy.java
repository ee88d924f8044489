package dev.backlog.tracker;

import dev.backlog.core.CardId;

/**
 * Which status changes {@code setStatus} allows. It mirrors the card status machine: planned →
 * in_progress | blocked | complete; in_progress → planned | blocked | complete; blocked → planned |
 * complete; complete → planned (reopen). Refused: blocked → in_progress (unblock first) and
 * complete → in_progress | blocked (reopen first). Setting the current status is a no-op, not a
 * change.
 *
 * <p>Stateless and thread-safe.
 */
public final class TransitionPolicy {

  private TransitionPolicy() {}

  /**
   * Whether {@code setStatus} may move a feature from one status to another (false for the same
   * status).
   */
  public static boolean allows(FeatureStatus from, FeatureStatus to) {
    switch (from) {
      case PLANNED:
      case IN_PROGRESS:
        return to != from;
      case BLOCKED:
        return to == FeatureStatus.PLANNED || to == FeatureStatus.COMPLETE;
      case COMPLETE:
        return to == FeatureStatus.PLANNED;
      default:
        throw new IllegalArgumentException("unknown feature status " + from);
    }
  }

  /**
   * Checks a transition.
   *
   * @throws StatusTransitionException naming both statuses and the way around when it is refused
   */
  public static void check(CardId code, FeatureStatus from, FeatureStatus to) {
    if (from != to && !allows(from, to)) {
      String via =
          from == FeatureStatus.COMPLETE
              ? "set it to planned first (reopen)"
              : "set it to planned first (unblock)";
      throw new StatusTransitionException(
          code,
          from,
          to,
          "feature "
              + code
              + " cannot move from "
              + from.wireName()
              + " to "
              + to.wireName()
              + "; "
              + via);
    }
  }

  /**
   * Checks that an overwrite keeps the status, as {@code putFeature} requires.
   *
   * @throws StatusTransitionException when the status differs
   */
  public static void checkUnchanged(CardId code, FeatureStatus current, FeatureStatus requested) {
    if (current != requested) {
      throw new StatusTransitionException(
          code,
          current,
          requested,
          "putFeature cannot change the status of "
              + code
              + " from "
              + current.wireName()
              + " to "
              + requested.wireName()
              + "; use setStatus (policy and event) or persistRaw (no policy)");
    }
  }
}
