package dev.backlog.tracker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pure functions over changelog text, shared by every provider so that all of them write the same
 * format:
 *
 * <pre>
 * # Changelog
 *
 * ## 1.4.0
 *
 * - **A1** Parser accepts comments
 *   More detail, indented by two spaces.
 * </pre>
 *
 * Sections are version labels, newest first; each entry starts with {@code - **CODE** } and its
 * body lines are indented by two spaces. Lines the splice does not recognise are kept verbatim.
 *
 * <p>Stateless and thread-safe.
 */
public final class Changelogs {

  /** The first line every changelog must have. */
  public static final String HEADING = "# Changelog";

  private Changelogs() {}

  /**
   * Splices an entry into a changelog. Idempotent per code and version: when an entry of the same
   * code exists in a section of the same version, the text is returned unchanged unless the entry
   * is {@code force}d, in which case that entry alone is replaced. A new version gets a new section
   * above the existing ones; an empty text becomes a new changelog.
   *
   * @param current the changelog text, empty when there is none
   * @param entry what to add
   * @return the new text and what happened
   * @throws ChangelogFormatException when the text is not empty and its first line is not {@value
   *     #HEADING}
   */
  public static ChangelogSplice splice(String current, ChangelogEntry entry) {
    List<String> rendered = render(entry);
    if (current == null || current.isEmpty()) {
      List<String> out = new ArrayList<>(List.of(HEADING, "", "## " + entry.version(), ""));
      out.addAll(rendered);
      return new ChangelogSplice(join(out), ChangelogSplice.Action.NEW_FILE, 5);
    }
    List<String> lines = new ArrayList<>(Arrays.asList(current.split("\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    String first = lines.isEmpty() ? "" : lines.get(0);
    if (!first.strip().equals(HEADING)) {
      throw new ChangelogFormatException(
          1,
          first,
          "the changelog's first line is '"
              + abbreviate(first)
              + "' but must be '"
              + HEADING
              + "' (line 1); fix the file's first line, then retry");
    }
    int sectionStart = -1;
    int sectionEnd = -1;
    for (int i = 1; i < lines.size(); i++) {
      String label = sectionLabel(lines.get(i));
      if (label == null) {
        continue;
      }
      if (sectionStart >= 0) {
        sectionEnd = i;
        break;
      }
      if (label.equals(entry.version())) {
        sectionStart = i;
      }
    }
    if (sectionStart < 0) {
      return newSection(lines, entry, rendered);
    }
    if (sectionEnd < 0) {
      sectionEnd = lines.size();
    }
    String prefix = entryPrefix(entry.code().value());
    int lastEntryEnd = -1;
    for (int i = sectionStart + 1; i < sectionEnd; i++) {
      String line = lines.get(i);
      if (!isEntryStart(line)) {
        continue;
      }
      int end = i + 1;
      while (end < sectionEnd && lines.get(end).startsWith("  ")) {
        end++;
      }
      if (startsEntryFor(line, prefix)) {
        if (!entry.force()) {
          return new ChangelogSplice(current, ChangelogSplice.Action.UNCHANGED, i + 1);
        }
        List<String> out = new ArrayList<>(lines.subList(0, i));
        out.addAll(rendered);
        out.addAll(lines.subList(end, lines.size()));
        String next = join(out);
        return new ChangelogSplice(
            next,
            next.equals(current)
                ? ChangelogSplice.Action.UNCHANGED
                : ChangelogSplice.Action.REPLACED,
            i + 1);
      }
      lastEntryEnd = end;
      i = end - 1;
    }
    List<String> out;
    int at;
    if (lastEntryEnd >= 0) {
      at = lastEntryEnd;
      out = new ArrayList<>(lines.subList(0, at));
      out.addAll(rendered);
    } else {
      out = new ArrayList<>(lines.subList(0, sectionStart + 1));
      out.add("");
      at = out.size();
      out.addAll(rendered);
      int rest = sectionStart + 1;
      while (rest < lines.size() && lines.get(rest).isBlank()) {
        rest++;
      }
      if (rest < lines.size()) {
        out.add("");
      }
      out.addAll(lines.subList(rest, lines.size()));
      return new ChangelogSplice(join(out), ChangelogSplice.Action.APPENDED, at + 1);
    }
    if (lastEntryEnd < lines.size()
        && !lines.get(lastEntryEnd).isBlank()
        && !isEntryStart(lines.get(lastEntryEnd))) {
      out.add("");
    }
    out.addAll(lines.subList(lastEntryEnd, lines.size()));
    return new ChangelogSplice(join(out), ChangelogSplice.Action.APPENDED, at + 1);
  }

  private static ChangelogSplice newSection(
      List<String> lines, ChangelogEntry entry, List<String> rendered) {
    int firstSection = -1;
    for (int i = 1; i < lines.size(); i++) {
      if (sectionLabel(lines.get(i)) != null) {
        firstSection = i;
        break;
      }
    }
    List<String> block = new ArrayList<>(List.of("## " + entry.version(), ""));
    block.addAll(rendered);
    List<String> out;
    int headingAt;
    if (firstSection < 0) {
      out = new ArrayList<>(lines);
      while (out.size() > 1 && out.get(out.size() - 1).isBlank()) {
        out.remove(out.size() - 1);
      }
      out.add("");
      headingAt = out.size();
      out.addAll(block);
    } else {
      out = new ArrayList<>(lines.subList(0, firstSection));
      if (!out.get(out.size() - 1).isBlank()) {
        out.add("");
      }
      headingAt = out.size();
      out.addAll(block);
      out.add("");
      out.addAll(lines.subList(firstSection, lines.size()));
    }
    return new ChangelogSplice(join(out), ChangelogSplice.Action.NEW_SECTION, headingAt + 3);
  }

  /** The lines an entry renders to. */
  static List<String> render(ChangelogEntry entry) {
    List<String> out = new ArrayList<>();
    out.add(entryPrefix(entry.code().value()) + " " + entry.summary());
    if (entry.body() != null) {
      for (String line : entry.body().split("\n", -1)) {
        out.add(line.isBlank() ? "  " : "  " + line.stripTrailing());
      }
      while (out.size() > 1 && out.get(out.size() - 1).isBlank()) {
        out.remove(out.size() - 1);
      }
    }
    return out;
  }

  /** The version label of a section heading line, or null when the line is not one. */
  private static String sectionLabel(String line) {
    if (line.startsWith("## ")) {
      return line.substring(3).strip();
    }
    return null;
  }

  private static String entryPrefix(String code) {
    return "- **" + code + "**";
  }

  private static boolean isEntryStart(String line) {
    return line.startsWith("- **");
  }

  private static boolean startsEntryFor(String line, String prefix) {
    return line.startsWith(prefix)
        && (line.length() == prefix.length() || line.charAt(prefix.length()) == ' ');
  }

  private static String join(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  private static String abbreviate(String line) {
    String printable = line.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
  }
}
