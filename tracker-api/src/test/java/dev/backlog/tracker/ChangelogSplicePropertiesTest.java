package dev.backlog.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ChangelogSplicePropertiesTest {

  @Provide
  Arbitrary<ChangelogEntry> entries() {
    Arbitrary<String> codes = Arbitraries.of("A1", "A10", "B2", "C-3", "x.y", "Z:9");
    Arbitrary<String> versions =
        Arbitraries.of("1.0.0", "1.1.0", "2.0.0", "2026-11-23", "Unreleased");
    Arbitrary<String> summaries =
        Arbitraries.strings()
            .withChars("abc XYZ*-_#|`")
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(s -> !s.isBlank());
    Arbitrary<String> bodies =
        Arbitraries.strings().withChars("ab -*#\n").ofMaxLength(30).injectNull(0.4);
    Arbitrary<Boolean> force = Arbitraries.of(true, false);
    return Combinators.combine(codes, versions, summaries, bodies, force)
        .as((c, v, s, b, f) -> new ChangelogEntry(CardId.of(c), v, s, b, f));
  }

  @Provide
  Arbitrary<List<ChangelogEntry>> histories() {
    return entries().list().ofMaxSize(12);
  }

  private static String build(List<ChangelogEntry> history) {
    String text = "";
    for (ChangelogEntry entry : history) {
      text = Changelogs.splice(text, entry).content();
    }
    return text;
  }

  @Property(tries = 300)
  void splicingTheSameEntryTwiceEqualsSplicingItOnce(
      @ForAll("histories") List<ChangelogEntry> history, @ForAll("entries") ChangelogEntry entry) {
    String once = Changelogs.splice(build(history), entry).content();
    ChangelogSplice twice = Changelogs.splice(once, entry);
    assertEquals(once, twice.content());
    assertFalse(twice.changed());
  }

  @Property(tries = 300)
  void everySplicedChangelogStartsWithTheHeadingAndHoldsEachCodeOncePerVersion(
      @ForAll("histories") List<ChangelogEntry> history) {
    String text = build(history);
    if (history.isEmpty()) {
      assertEquals("", text);
      return;
    }
    assertTrue(text.startsWith("# Changelog\n"));
    for (ChangelogEntry entry : history) {
      String section = section(text, entry.version());
      String prefix = "- **" + entry.code().value() + "**";
      long count =
          section.lines().filter(l -> l.equals(prefix) || l.startsWith(prefix + " ")).count();
      assertEquals(
          1, count, "code " + entry.code() + " in version " + entry.version() + " of\n" + text);
    }
  }

  @Property(tries = 200)
  void forcingAnEntryLeavesEveryOtherEntryAsItWas(
      @ForAll("histories") List<ChangelogEntry> history, @ForAll("entries") ChangelogEntry entry) {
    String before = build(history);
    String after = Changelogs.splice(before, entry.forced()).content();
    String prefix = "- **" + entry.code().value() + "**";
    for (ChangelogEntry other : history) {
      if (other.code().equals(entry.code()) && other.version().equals(entry.version())) {
        continue;
      }
      String otherPrefix = "- **" + other.code().value() + "**";
      assertEquals(
          entryLines(section(before, other.version()), otherPrefix),
          entryLines(section(after, other.version()), otherPrefix),
          "entry " + other.code() + " " + prefix);
    }
  }

  private static String section(String text, String version) {
    StringBuilder out = new StringBuilder();
    boolean in = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("## ")) {
        in = line.substring(3).strip().equals(version);
        continue;
      }
      if (in) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static List<String> entryLines(String section, String prefix) {
    List<String> lines = section.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.equals(prefix) || line.startsWith(prefix + " ")) {
        int end = i + 1;
        while (end < lines.size() && lines.get(end).startsWith("  ")) {
          end++;
        }
        return lines.subList(i, end);
      }
    }
    return List.of();
  }
}
