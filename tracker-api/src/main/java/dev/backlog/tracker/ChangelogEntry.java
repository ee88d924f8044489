package dev.backlog.tracker;

import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One changelog entry to splice into a changelog: the feature code, the version (or date) section
 * it belongs to, a one-line summary and an optional body.
 *
 * <p>Immutable and thread-safe.
 *
 * @param code the feature the entry is about; at most one entry per code and version
 * @param version the section label, such as {@code 1.4.0} or {@code 2026-11-23}; one line, not
 *     starting with {@code #}
 * @param summary one non-blank line
 * @param body further lines, or null
 * @param force replace an existing entry of the same code and version instead of keeping it
 */
public record ChangelogEntry(
    CardId code, String version, String summary, String body, boolean force) {

  /** Validates every component and reports all problems at once. */
  public ChangelogEntry {
    Objects.requireNonNull(code, "code");
    List<Violation> problems = new ArrayList<>();
    if (version == null
        || version.isBlank()
        || version.contains("\n")
        || version.contains("\r")
        || version.strip().startsWith("#")
        || !version.equals(version.strip())) {
      problems.add(
          new Violation(
              "version",
              "changelog version '"
                  + version
                  + "' is not allowed; give one line"
                  + " without surrounding spaces that does not start with '#', such as 1.4.0"));
    }
    if (summary == null || summary.isBlank() || summary.contains("\n") || summary.contains("\r")) {
      problems.add(
          new Violation(
              "summary", "changelog summary for " + code + " must be one non-blank line"));
    }
    if (body != null && body.contains("\r")) {
      problems.add(
          new Violation(
              "body",
              "changelog body for " + code + " contains carriage returns; use \\n line ends"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    summary = summary.strip();
    if (body != null && body.isBlank()) {
      body = null;
    }
  }

  /** An entry that keeps an existing entry of the same code and version. */
  public static ChangelogEntry of(String code, String version, String summary) {
    return new ChangelogEntry(CardId.of(code), version, summary, null, false);
  }

  /** This entry with {@code force} set, so it replaces an existing one. */
  public ChangelogEntry forced() {
    return new ChangelogEntry(code, version, summary, body, true);
  }

  /** This entry with a body. */
  public ChangelogEntry withBody(String text) {
    return new ChangelogEntry(code, version, summary, text, force);
  }
}
