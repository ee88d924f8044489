package dev.backlog.git.coordination.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code git worktree list --porcelain} (with {@code -z} where git offers it). Stateless.
 */
public final class Worktrees {

  private Worktrees() {}

  /**
   * One registered worktree.
   *
   * @param path its directory
   * @param head its HEAD commit, empty for an unborn branch
   * @param branch the checked-out branch ({@code refs/heads/...}), empty when detached or bare
   * @param prunable whether git considers its registration stale
   */
  public record Entry(
      Path path, Optional<String> head, Optional<String> branch, boolean prunable) {}

  /** Lists the worktrees; the main worktree is first. */
  public static List<Entry> list(GitRunner git, Path dir, boolean nulSeparated) {
    GitResult r =
        nulSeparated
            ? git.require(dir, "worktree", "list", "--porcelain", "-z")
            : git.require(dir, "worktree", "list", "--porcelain");
    List<String> fields = nulSeparated ? withBlankRecords(r) : List.of(r.text().split("\n", -1));
    List<Entry> out = new ArrayList<>();
    Path path = null;
    Optional<String> head = Optional.empty();
    Optional<String> branch = Optional.empty();
    boolean prunable = false;
    for (String f : fields) {
      if (f.isEmpty()) {
        if (path != null) {
          out.add(new Entry(path, head, branch, prunable));
        }
        path = null;
        head = Optional.empty();
        branch = Optional.empty();
        prunable = false;
      } else if (f.startsWith("worktree ")) {
        path = Path.of(f.substring(9));
      } else if (f.startsWith("HEAD ")) {
        head = Optional.of(f.substring(5));
      } else if (f.startsWith("branch ")) {
        branch = Optional.of(f.substring(7));
      } else if (f.equals("prunable") || f.startsWith("prunable ")) {
        prunable = true;
      }
    }
    if (path != null) {
      out.add(new Entry(path, head, branch, prunable));
    }
    return out;
  }

  private static List<String> withBlankRecords(GitResult r) {
    List<String> out = new ArrayList<>();
    byte[] b = r.stdout();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        out.add(new String(b, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return out;
  }
}
