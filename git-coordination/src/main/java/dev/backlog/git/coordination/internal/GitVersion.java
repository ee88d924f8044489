package dev.backlog.git.coordination.internal;

import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git version, compared numerically.
 *
 * @param major the major number
 * @param minor the minor number
 * @param patch the patch number
 */
public record GitVersion(int major, int minor, int patch) implements Comparable<GitVersion> {

  /**
   * The oldest git this module supports: per-worktree sparse checkout and stable worktree commands.
   */
  public static final GitVersion MINIMUM = new GitVersion(2, 25, 0);

  private static final Pattern SHAPE = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  /** Parses the output of {@code git version}, for example {@code git version 2.39.5}. */
  public static GitVersion parse(String output) {
    Matcher m = SHAPE.matcher(output);
    if (!m.find()) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_UNAVAILABLE,
          "cannot read a version number from '"
              + output.strip()
              + "'; is the configured git executable really git?");
    }
    return new GitVersion(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  /** Whether this version is at least {@code other}. */
  public boolean atLeast(GitVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(GitVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c == 0 ? Integer.compare(patch, o.patch) : c;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
