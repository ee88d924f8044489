package dev.backlog.git.coordination;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A lane of a mission: a branch parented on the coordination branch, checked out in its own
 * worktree with the mission's status files left out by sparse checkout.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mission the mission
 * @param number the lane number, at least 1
 * @param branch the lane branch
 * @param worktree the worktree directory
 */
public record Lane(Mission mission, int number, String branch, Path worktree) {

  /** Validates the parts. */
  public Lane {
    Objects.requireNonNull(mission, "mission");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(worktree, "worktree");
    if (number < 1) {
      throw dev.backlog.core.InvalidInputException.of(
          "lane", "lane number " + number + " is not valid; use 1 or more");
    }
  }
}
