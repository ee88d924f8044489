package dev.backlog.cli.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code backlog help [COMMAND...]}: the help of the command the names lead to, so {@code help
 * coord merge} shows {@code coord merge}'s help (picocli's own help command takes one name and
 * would show {@code coord}'s). A name that is not a command under the ones before it is a usage
 * error naming the commands there are.
 */
@CommandLine.Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of a command: help coord merge.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {

  @CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  private boolean helpRequested;

  @CommandLine.Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The command, with its subcommands, to show the help of.")
  private List<String> names = new ArrayList<>();

  private CommandLine self;
  private CommandLine.Help.ColorScheme colors;
  private java.io.PrintWriter out;

  @Override
  public void init(
      CommandLine helpCommandLine,
      CommandLine.Help.ColorScheme colorScheme,
      java.io.PrintWriter outWriter,
      java.io.PrintWriter errWriter) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
    this.out = outWriter;
  }

  @Override
  public Integer call() {
    CommandLine target = target(self.getParent(), names);
    target.usage(out, colors);
    return target.getCommandSpec().exitCodeOnUsageHelp();
  }

  /**
   * The command {@code names} lead to from {@code parent} (the command {@code help} is under):
   * {@code parent} itself for no names.
   *
   * @throws CommandLine.ParameterException for a name that is not a command where it stands
   */
  static CommandLine target(CommandLine parent, List<String> names) {
    CommandLine at = parent;
    for (String name : names) {
      CommandLine next = at.getSubcommands().get(name);
      if (next == null) {
        throw new CommandLine.ParameterException(
            at,
            "'"
                + name
                + "' is not a command of '"
                + at.getCommandSpec().qualifiedName()
                + "'; "
                + (at.getSubcommands().isEmpty()
                    ? "it has none"
                    : "use one of "
                        + String.join(
                            ", ",
                            at.getSubcommands().keySet().stream()
                                .filter(n -> !n.equals("help"))
                                .toList())));
      }
      at = next;
    }
    return at;
  }

  /** The names given, for the JSON help, which reads the parse result before {@link #call}. */
  static List<String> names(CommandLine.ParseResult helpParsed) {
    List<String> given = new ArrayList<>();
    helpParsed.matchedPositionals().forEach(p -> given.addAll(p.stringValues()));
    return given;
  }
}
