package dev.backlog.benchmarks.internal;

import java.util.Objects;

/**
 * One performance target of the design and how this run measured against it.
 *
 * @param name the target in words
 * @param goal the required ratio in words (for example "≥ 0.80")
 * @param measured the measured ratio (NaN when it could not be measured)
 * @param status {@code met}, {@code not met} or {@code not measured}
 * @param basis which measurements the ratio compares
 * @param reason why it is not met or not measured, or what qualifies the result; empty when nothing
 *     needs saying
 */
public record Target(
    String name, String goal, double measured, String status, String basis, String reason) {

  /** Validates the target. */
  public Target {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(basis, "basis");
    reason = reason == null ? "" : reason;
    if (!status.equals("met") && !status.equals("not met") && !status.equals("not measured")) {
      throw new IllegalArgumentException(
          "target status '" + status + "' is unknown; use met, not met or not measured");
    }
  }

  /**
   * A target judged on its measured ratio.
   *
   * @param met whether the ratio meets the goal
   */
  static Target judged(
      String name, String goal, double measured, boolean met, String basis, String reason) {
    return new Target(name, goal, measured, met ? "met" : "not met", basis, reason);
  }

  /** A target this run could not judge, with what it compared and why it could not. */
  static Target notMeasured(String name, String goal, String basis, String reason) {
    return new Target(name, goal, Double.NaN, "not measured", basis, reason);
  }
}
