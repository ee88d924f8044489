package dev.backlog.git.coordination;

import java.util.List;

/** A merge stopped on conflicts; it was aborted, so no branch and no worktree changed. */
public final class MergeConflictException extends GitCoordinationException {

  private static final long serialVersionUID = 1L;

  private final List<String> paths;

  /** Creates the exception naming the branches and the conflicting paths. */
  public MergeConflictException(String source, String destination, List<String> paths) {
    super(
        GitErrorCode.MERGE_CONFLICT,
        "merging "
            + source
            + " into "
            + destination
            + " conflicts in "
            + paths
            + "; the merge was aborted and nothing changed; resolve the conflict on "
            + source
            + " (for example merge "
            + destination
            + " into it) and merge again");
    this.paths = List.copyOf(paths);
  }

  /** The conflicting paths. */
  public List<String> paths() {
    return paths;
  }
}
