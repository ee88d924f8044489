package dev.backlog.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.ErrorCategory;
import org.junit.jupiter.api.Test;

class ChangelogsTest {

  private static final ChangelogEntry A1 =
      ChangelogEntry.of("A1", "1.0.0", "Parser accepts comments");

  @Test
  void anEmptyChangelogBecomesANewFileWithOneSection() {
    ChangelogSplice splice = Changelogs.splice("", A1);
    assertEquals("# Changelog\n\n## 1.0.0\n\n- **A1** Parser accepts comments\n", splice.content());
    assertEquals(ChangelogSplice.Action.NEW_FILE, splice.action());
    assertEquals(5, splice.line());
  }

  @Test
  void aSecondEntryOfTheSameVersionIsAppendedToItsSection() {
    String one = Changelogs.splice("", A1).content();
    ChangelogSplice two =
        Changelogs.splice(
            one, ChangelogEntry.of("B2", "1.0.0", "Faster claims").withBody("a\n\nb"));
    assertEquals(
        "# Changelog\n\n## 1.0.0\n\n- **A1** Parser accepts comments\n- **B2** Faster claims\n  a\n  \n  b\n",
        two.content());
    assertEquals(ChangelogSplice.Action.APPENDED, two.action());
    assertEquals(6, two.line());
  }

  @Test
  void aNewVersionGetsASectionAboveTheOlderOnes() {
    String one = Changelogs.splice("", A1).content();
    ChangelogSplice two =
        Changelogs.splice(one, ChangelogEntry.of("A1", "1.1.0", "Comments may nest"));
    assertEquals(
        "# Changelog\n\n## 1.1.0\n\n- **A1** Comments may nest\n\n## 1.0.0\n\n- **A1** Parser accepts comments\n",
        two.content());
    assertEquals(ChangelogSplice.Action.NEW_SECTION, two.action());
    assertEquals(5, two.line());
  }

  @Test
  void theSameCodeAndVersionIsANoOpEvenWithAnotherSummary() {
    String one = Changelogs.splice("", A1).content();
    ChangelogSplice again =
        Changelogs.splice(one, ChangelogEntry.of("A1", "1.0.0", "Something else"));
    assertEquals(one, again.content());
    assertFalse(again.changed());
    assertEquals(5, again.line());
  }

  @Test
  void forceReplacesOnlyThatEntryWithItsBody() {
    String text =
        "# Changelog\n\nIntro text.\n\n## 1.0.0\n\n- **A1** Old\n  old body\n- **A10** Other\n\n## 0.9.0\n\n- **A1** Older\n";
    ChangelogSplice replaced =
        Changelogs.splice(text, ChangelogEntry.of("A1", "1.0.0", "New").forced());
    assertEquals(
        "# Changelog\n\nIntro text.\n\n## 1.0.0\n\n- **A1** New\n- **A10** Other\n\n## 0.9.0\n\n- **A1** Older\n",
        replaced.content());
    assertEquals(ChangelogSplice.Action.REPLACED, replaced.action());
    assertEquals(7, replaced.line());
  }

  @Test
  void aSectionWithoutEntriesReceivesTheEntryUnderItsHeading() {
    String text = "# Changelog\n\n## 2.0.0\n\n## 1.0.0\n\n- **Z9** Zed\n";
    ChangelogSplice splice = Changelogs.splice(text, ChangelogEntry.of("A1", "2.0.0", "First"));
    assertEquals(
        "# Changelog\n\n## 2.0.0\n\n- **A1** First\n\n## 1.0.0\n\n- **Z9** Zed\n",
        splice.content());
  }

  @Test
  void aFileWhoseFirstLineIsNotTheHeadingIsRefusedNamingTheLine() {
    ChangelogFormatException e =
        assertThrows(
            ChangelogFormatException.class,
            () -> Changelogs.splice("# Release notes\n\n## 1.0.0\n", A1));
    assertEquals(1, e.line());
    assertEquals("# Release notes", e.lineText());
    assertTrue(
        e.getMessage().contains("'# Release notes'") && e.getMessage().contains("# Changelog"),
        e.getMessage());
    assertEquals(ErrorCategory.INVALID_INPUT, e.code().category());
  }

  @Test
  void entriesWithMultiLineSummariesOrHeadingVersionsAreRefused() {
    assertThrows(
        dev.backlog.core.InvalidInputException.class,
        () -> ChangelogEntry.of("A1", "1.0", "two\nlines"));
    assertThrows(
        dev.backlog.core.InvalidInputException.class, () -> ChangelogEntry.of("A1", "# 1.0", "x"));
    assertThrows(
        dev.backlog.core.InvalidInputException.class, () -> ChangelogEntry.of("../x", "1.0", "x"));
  }
}
