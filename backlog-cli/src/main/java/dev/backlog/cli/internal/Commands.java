package dev.backlog.cli.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The one place that lists the {@code backlog} subcommands. To add a command (or a group such as
 * {@code tracker}), write a picocli {@code @Command} class and add it to {@link #SUBCOMMANDS} under
 * its name.
 */
final class Commands {

  /** Every subcommand by name, in the order help lists them. */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  /** Global options that take a value, so that the command name can be found without parsing. */
  private static final Set<String> GLOBAL_OPTIONS_WITH_VALUE =
      Set.of("--db", "--db-user", "--home", "--actor");

  private Commands() {}

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> all = new LinkedHashMap<>();
    all.put("create", CardCommands.Create.class);
    all.put("show", CardCommands.Show.class);
    all.put("list", CardCommands.ListCards.class);
    all.put("claim", LeaseCommands.ClaimCards.class);
    all.put("renew", LeaseCommands.Renew.class);
    all.put("complete", LeaseCommands.Complete.class);
    all.put("release", LeaseCommands.Release.class);
    all.put("fail", LeaseCommands.Fail.class);
    all.put("reclaim", LeaseCommands.Reclaim.class);
    all.put("block", CardCommands.Block.class);
    all.put("unblock", CardCommands.Unblock.class);
    all.put("reopen", CardCommands.Reopen.class);
    all.put("link", CardCommands.Link.class);
    all.put("unlink", CardCommands.Unlink.class);
    all.put("stats", ReportCommands.StatsCommand.class);
    all.put("graph", ReportCommands.Graph.class);
    all.put("events", ReportCommands.Events.class);
    all.put("import", TransferCommands.Import.class);
    all.put("export", TransferCommands.Export.class);
    all.put("mcp", McpCommand.class);
    all.put("coord", dev.backlog.cli.coord.CoordCommand.class);
    all.put("tracker", dev.backlog.cli.tracker.TrackerCommand.class);
    all.put("demo", DemoCommand.class);
    all.put("serve", ServeCommand.class);
    all.put("completion", CompletionCommand.class);
    all.put("history", SchedulingCommands.History.class);
    all.put("defer", SchedulingCommands.Defer.class);
    all.put("undefer", SchedulingCommands.Undefer.class);
    all.put("explain", SchedulingCommands.Explain.class);
    all.put("queue", SchedulingCommands.Queue.class);
    all.put("waves", SchedulingCommands.WavesCommand.class);
    all.put("update", SchedulingCommands.Update.class);
    all.put("help", HelpCommand.class);
    return java.util.Collections.unmodifiableMap(all);
  }

  /**
   * Builds the command line for the root command. When the arguments name an ordinary command, only
   * that one is registered (building picocli's model of every command costs start-up time); for
   * help, completion, or an unknown or missing command, every command is.
   */
  static CommandLine commandLine(RootCommand root, String... args) {
    CommandLine cl = new CommandLine(root);
    String named = commandName(args);
    if (named != null && !named.equals("help") && !named.equals("completion")) {
      cl.addSubcommand(named, SUBCOMMANDS.get(named));
    } else {
      SUBCOMMANDS.forEach(cl::addSubcommand);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // After the subcommands: picocli registers a converter on the commands added so far.
    WholeNumbers.register(cl);
    return cl;
  }

  /** The first argument that names a known command, skipping global options and their values. */
  static String commandName(String... args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (GLOBAL_OPTIONS_WITH_VALUE.contains(arg)) {
        i++;
      } else if (!arg.startsWith("-")) {
        return SUBCOMMANDS.containsKey(arg) ? arg : null;
      }
    }
    return null;
  }
}
