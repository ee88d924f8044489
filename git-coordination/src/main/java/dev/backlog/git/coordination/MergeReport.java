package dev.backlog.git.coordination;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a two-stage merge did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mission the mission
 * @param target the target branch
 * @param lanesMerged the lanes merged into the coordination branch (lanes already merged are left
 *     out)
 * @param coordinationCommit the coordination branch tip after the lane merges
 * @param targetCommit the new target tip, empty when the target already contained everything
 */
public record MergeReport(
    Mission mission,
    String target,
    List<Integer> lanesMerged,
    String coordinationCommit,
    Optional<String> targetCommit) {

  /** Validates the parts. */
  public MergeReport {
    Objects.requireNonNull(mission, "mission");
    Objects.requireNonNull(target, "target");
    lanesMerged = List.copyOf(lanesMerged);
    Objects.requireNonNull(coordinationCommit, "coordinationCommit");
    targetCommit = Objects.requireNonNullElse(targetCommit, Optional.empty());
  }
}
