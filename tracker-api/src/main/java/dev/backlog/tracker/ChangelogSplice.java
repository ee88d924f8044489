package dev.backlog.tracker;

import java.util.Objects;

/**
 * The result of splicing an entry into a changelog.
 *
 * <p>Immutable and thread-safe.
 *
 * @param content the full changelog text after the splice (equal to the input when unchanged)
 * @param action what the splice did
 * @param line the 1-based line of the entry in {@code content}
 */
public record ChangelogSplice(String content, Action action, int line) {

  /** What a splice did. */
  public enum Action {
    /** The changelog was empty; a new file was started. */
    NEW_FILE,
    /** A new version section was added with the entry. */
    NEW_SECTION,
    /** The entry was added to an existing version section. */
    APPENDED,
    /** An existing entry of the same code and version was replaced ({@code force}). */
    REPLACED,
    /** An entry of the same code and version already existed; nothing changed. */
    UNCHANGED
  }

  /** Checks the parts. */
  public ChangelogSplice {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(action, "action");
  }

  /** Whether the content differs from the input, so a provider must write it. */
  public boolean changed() {
    return action != Action.UNCHANGED;
  }
}
