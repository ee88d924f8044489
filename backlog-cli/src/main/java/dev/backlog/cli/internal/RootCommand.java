package dev.backlog.cli.internal;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code backlog} command itself: holds the global options, which picocli accepts anywhere on
 * the line (before or after the subcommand). Not thread-safe; one instance per run.
 */
@Command(
    name = "backlog",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = RootCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "The backlog of record: cards in a dependency DAG, claimed under TTL leases with fencing tokens.",
    footer = {
      "",
      "Exit codes: 0 ok, 2 invalid input or usage, 3 card not found, 4 conflict,"
          + " 5 store unavailable, 1 unexpected."
    })
final class RootCommand implements Callable<Integer> {

  private final Cli cli;
  private Context context;

  @Spec CommandSpec spec;

  @Option(
      names = "--db",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "JDBC URL of the store (env BACKLOG_DB_URL; default: an H2 file under the home).")
  String db;

  @Option(
      names = "--db-user",
      paramLabel = "USER",
      scope = ScopeType.INHERIT,
      description =
          "Database user (env BACKLOG_DB_USER; the password comes from BACKLOG_DB_PASSWORD or config).")
  String dbUser;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "Backlog home (env BACKLOG_HOME; default ~/.backlog).")
  Path home;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description =
          "Print exactly one JSON value on stdout; errors as {\"error\":{...}} on stderr.")
  boolean json;

  @Option(
      names = "--actor",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "Who events are attributed to (env BACKLOG_ACTOR; default: the OS user).")
  String actor;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Log at DEBUG to stderr.")
  boolean verbose;

  RootCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "a command is required, such as 'backlog list'");
  }

  /** The run's context, created on first use. */
  Context context() {
    if (context == null) {
      context = new Context(cli, this);
    }
    return context;
  }

  /** The CLI this run belongs to. */
  Cli cli() {
    return cli;
  }

  boolean jsonRequested() {
    return json;
  }

  boolean verbose() {
    return verbose;
  }

  /** Masks the secrets known so far (settings may not have been resolved). */
  Redaction redaction() {
    return context == null ? Redaction.none() : context.redaction();
  }

  void closeContext() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = number();
      return new String[] {"backlog " + (version == null ? "(development build)" : version)};
    }

    /** The version from the jar manifest, or null when the classes do not run from the jar. */
    static String number() {
      return RootCommand.class.getPackage().getImplementationVersion();
    }
  }
}
