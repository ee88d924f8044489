package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/** What {@code --help} lists: each command's one-line summary. */
class HelpTextTest {

  @TempDir Path dir;

  /**
   * A command list shows the first line of each command's header, or of its description when it has
   * none: that line must be a whole sentence, not the start of one cut at the line break.
   */
  @Test
  void everyCommandListsAWholeSentence() {
    List<String> cut = new ArrayList<>();
    everyCommand(cl -> summaryCut(cl, cut));
    assertEquals(List.of(), cut, "summaries that do not end a sentence");
  }

  /** Visits the root command and every command below it. */
  private void everyCommand(Consumer<CommandLine> visit) {
    walk(Commands.commandLine(new RootCommand(PlainClaimTest.readingOnly(dir))), visit);
  }

  private static void walk(CommandLine cl, Consumer<CommandLine> visit) {
    visit.accept(cl);
    cl.getSubcommands().values().forEach(sub -> walk(sub, visit));
  }

  private static void summaryCut(CommandLine cl, List<String> cut) {
    UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
    String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
    String summary = lines.length == 0 ? "" : lines[0].strip();
    if (cl.getParent() != null && !summary.endsWith(".")) {
      cut.add(cl.getCommandSpec().qualifiedName() + ": " + summary);
    }
  }

  /**
   * picocli prints each element of a description on lines of its own and wraps an element longer
   * than the help's width: an element that runs past the width must therefore be a paragraph of its
   * own (end a sentence, the next element starting one), or the wrap leaves a line of a few words
   * in the middle of a sentence. And the wrap may break a line after a dot inside a word
   * ("docs/mcp." then "md)."), or before a word that starts with one (". " then "backlog/"): no
   * line of a description may start with the rest of such a word.
   */
  @Test
  void descriptionsWrapOnlyBetweenWords() {
    List<String> ragged = new ArrayList<>();
    everyCommand(cl -> raggedLines(cl, ragged));
    assertEquals(List.of(), ragged, "description lines the help's wrap breaks badly");
  }

  private static void raggedLines(CommandLine cl, List<String> ragged) {
    UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
    String[] lines = usage.description();
    String name = cl.getCommandSpec().qualifiedName();
    for (int i = 0; i < lines.length; i++) {
      boolean wraps = lines[i].length() >= usage.width();
      boolean paragraph =
          lines[i].strip().endsWith(".")
              && (i == lines.length - 1 || Character.isUpperCase(lines[i + 1].charAt(0)));
      if (wraps && !paragraph) {
        ragged.add(name + ": wraps mid-sentence: " + lines[i]);
      }
    }
    String[] shown = cl.getHelp().description().split("\\R");
    for (int i = 1; i < shown.length; i++) {
      if (shown[i - 1].matches(".*[\\w ]\\.$") && shown[i].matches("^[a-z]\\w*\\W.*")) {
        ragged.add(name + ": a word broken after its dot: " + shown[i - 1] + " | " + shown[i]);
      }
    }
  }
}
