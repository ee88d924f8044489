package dev.backlog.git.coordination;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a cleanup removed and what it kept, with the reason.
 *
 * <p>Immutable and thread-safe.
 *
 * @param removed the lanes whose worktree and branch were removed
 * @param kept lanes kept, with why (not merged, within the grace period, dirty)
 */
public record CleanupReport(List<Integer> removed, Map<Integer, String> kept) {

  /** Copies the parts. */
  public CleanupReport {
    removed = List.copyOf(removed);
    kept = java.util.Collections.unmodifiableMap(new TreeMap<>(kept));
  }
}
