package dev.backlog.cli.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.ErrorCode;
import dev.backlog.json.JsonContract;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Runs one {@code backlog} command line: parses it with picocli, runs the command, maps failures to
 * exit codes and error output. The streams, environment, working directory, store opener and the
 * {@link SyncObserver} of {@code tracker sync} are injected so that tests can run commands
 * in-process, or stop a child process at a chosen point.
 *
 * <p>Thread-safe as long as the injected streams are: each {@link #execute} call has its own state.
 */
public final class Cli {

  /** picocli's message for a repeatable KEY=VALUE option given a value without '='. */
  private static final Pattern NOT_KEY_VALUE =
      Pattern.compile(
          "Value for option option '([^']+)' \\(([^)]*)\\) should be in KEY=VALUE format but was (.*)",
          Pattern.DOTALL);

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Path workingDir;
  private final StoreOpener opener;
  private final SyncObserver syncObserver;

  /** Creates a CLI over the given process surroundings, with no observer of tracker syncs. */
  public Cli(
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Path workingDir,
      StoreOpener opener) {
    this(out, err, env, workingDir, opener, SyncObserver.NONE);
  }

  /**
   * Creates a CLI over the given process surroundings, reporting each event {@code tracker sync}
   * applies.
   */
  public Cli(
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Path workingDir,
      StoreOpener opener,
      SyncObserver syncObserver) {
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.env = Map.copyOf(env);
    this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.syncObserver = Objects.requireNonNull(syncObserver, "syncObserver");
  }

  /**
   * The CLI over this process's standard streams, environment and working directory, on the JDBC
   * store.
   */
  public static Cli system() {
    return system(SyncObserver.NONE);
  }

  /** {@link #system()} with an observer of tracker syncs. */
  public static Cli system(SyncObserver syncObserver) {
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false,
            StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
    return new Cli(
        out,
        err,
        System.getenv(),
        Path.of("").toAbsolutePath(),
        new JdbcStoreOpener(),
        syncObserver);
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  Map<String, String> env() {
    return env;
  }

  Path workingDir() {
    return workingDir;
  }

  StoreOpener opener() {
    return opener;
  }

  SyncObserver syncObserver() {
    return syncObserver;
  }

  /**
   * Runs the command line and returns its exit code. A plain {@code claim} line is read without
   * picocli ({@link PlainClaim}); every other line runs on picocli's annotated model.
   */
  public int execute(String... args) {
    RootCommand plainRoot = new RootCommand(this);
    LeaseCommands.ClaimCards claim = PlainClaim.parse(plainRoot, args);
    int code = claim != null ? runPlain(plainRoot, claim) : executeAnnotated(args);
    return outputChecked(code, Arrays.asList(args).contains("--json"));
  }

  /**
   * A command whose answer could not be written to standard output (a full disk under a redirected
   * stdout, a closed pipe) must not exit 0: its caller would take the missing answer for an empty
   * one, and a worker whose claim succeeded would never learn its card and token. Exit 1 (an I/O
   * failure) and say that what the command changed stays changed.
   */
  private int outputChecked(int code, boolean json) {
    if (code != 0 || !out.checkError()) {
      return code;
    }
    report(
        CliErrorCode.IO_FAILURE,
        "the command ran, but its output could not be written to standard output (a full disk or"
            + " a closed pipe); what it changed in the backlog stays changed (a claimed card stays"
            + " claimed until its lease lapses); free the space or fix the output and look with"
            + " 'backlog show' or 'backlog list'",
        json,
        Redaction.none());
    return ExitCodes.of(CliErrorCode.IO_FAILURE);
  }

  private int runPlain(RootCommand root, LeaseCommands.ClaimCards claim) {
    try {
      return claim.run(root.context());
    } catch (Exception | Error e) {
      // What picocli's execution handler would get, handled alike.
      return failure(e, root);
    } finally {
      finish(root);
    }
  }

  /** Closes what the command opened and flushes its output, however it ended. */
  private void finish(RootCommand root) {
    root.closeContext();
    out.flush();
    err.flush();
  }

  private int executeAnnotated(String... args) {
    RootCommand root = new RootCommand(this);
    CommandLine cl = Commands.commandLine(root, args);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    boolean jsonAsked = Arrays.asList(args).contains("--json");
    cl.setParameterExceptionHandler(
        (ex, given) -> usageError(ex, given, root.jsonRequested() || jsonAsked));
    cl.setExecutionExceptionHandler((ex, line, parsed) -> failure(ex, root));
    cl.setExecutionStrategy(
        parsed -> {
          if (jsonAsked) {
            Optional<CommandLine> help = helpRequested(parsed);
            if (help.isPresent()) {
              return printHelpJson(help.get());
            }
            if (versionRequested(parsed)) {
              return printVersionJson();
            }
          }
          return new CommandLine.RunLast().execute(parsed);
        });
    try {
      return cl.execute(args);
    } catch (RuntimeException | Error e) {
      // picocli passes only Exceptions to the handler; linkage errors and the like end here.
      return failure(e, root);
    } finally {
      finish(root);
    }
  }

  /** Whether a command of the line asked for the version (and none before it for help). */
  private static boolean versionRequested(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult at = parsed; at != null; at = at.subcommand()) {
      if (at.isUsageHelpRequested()) {
        return false;
      }
      if (at.isVersionHelpRequested()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The command whose help the line asks for: the first with {@code --help} (none before it with
   * {@code --version}), or the one {@code help COMMAND} names (the root for a bare {@code help}).
   */
  private static Optional<CommandLine> helpRequested(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult at = parsed; at != null; at = at.subcommand()) {
      if (at.isVersionHelpRequested()) {
        return Optional.empty();
      }
      if (at.isUsageHelpRequested()) {
        return Optional.of(at.commandSpec().commandLine());
      }
      if (at.commandSpec().userObject() instanceof HelpCommand) {
        return Optional.of(
            HelpCommand.target(at.commandSpec().parent().commandLine(), HelpCommand.names(at)));
      }
    }
    return Optional.empty();
  }

  /** {@code --help --json}: the command's name and its help text as one JSON value. */
  private int printHelpJson(CommandLine command) {
    out.println(
        JsonContract.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("command", command.getCommandSpec().qualifiedName());
              g.writeStringField("usage", command.getUsageMessage(CommandLine.Help.Ansi.OFF));
              g.writeEndObject();
            }));
    out.flush();
    return 0;
  }

  /** {@code --version --json}: the version as one JSON value, null for a development build. */
  private int printVersionJson() {
    out.println(
        JsonContract.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("version", RootCommand.Version.number());
              g.writeEndObject();
            }));
    out.flush();
    return 0;
  }

  /**
   * Says picocli's message for a value without '=' for a KEY=VALUE option as the other usage errors
   * say theirs (picocli splits map options itself, before any converter).
   */
  static String usageText(String text) {
    Matcher m = NOT_KEY_VALUE.matcher(text);
    if (m.matches()) {
      return m.group(1)
          + " '"
          + m.group(3)
          + "' is not "
          + m.group(2)
          + "; give a key, '=' and a value, such as "
          + m.group(1)
          + " branch=feat/x";
    }
    return text;
  }

  private int usageError(ParameterException ex, String[] args, boolean json) {
    String command = ex.getCommandLine().getCommandSpec().qualifiedName();
    String text = ex.getMessage() == null ? "invalid command line" : ex.getMessage();
    if (text.startsWith("Error: ")) {
      text = text.substring("Error: ".length());
    }
    String message =
        usageText(text) + idAsArgument(ex, args) + " (run '" + command + " --help' for usage)";
    StringWriter suggestions = new StringWriter();
    if (!json
        && CommandLine.UnmatchedArgumentException.printSuggestions(
            ex, new PrintWriter(suggestions))) {
      message += System.lineSeparator() + suggestions.toString().strip();
    }
    report(CliErrorCode.USAGE, message, json, Redaction.none());
    return ExitCodes.of(CliErrorCode.USAGE);
  }

  /**
   * For {@code --id} given to a command that takes the card as its argument ({@code defer --id A}:
   * {@code create}, {@code claim} and {@code reclaim} take {@code --id}, the others an argument),
   * how to say it instead; otherwise "".
   */
  private static String idAsArgument(ParameterException ex, String[] args) {
    CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
    boolean idGiven = Arrays.stream(args).anyMatch(a -> a.equals("--id") || a.startsWith("--id="));
    boolean takesId =
        spec.findOption("--id") == null
            && spec.positionalParameters().stream().anyMatch(p -> p.paramLabel().equals("ID"));
    return idGiven && takesId
        ? "; give the card as the argument, without --id: '" + spec.qualifiedName() + " ID'"
        : "";
  }

  private int failure(Throwable ex, RootCommand root) {
    Redaction redaction = root.redaction();
    boolean json = root.jsonRequested();
    if (ex instanceof BacklogException be) {
      report(
          be.code(),
          be instanceof CardNotFoundException
              ? be.getMessage() + " ('backlog list' shows every card)"
              : be.getMessage(),
          json,
          redaction);
      if (root.verbose() && be.getCause() != null) {
        printTrace(be, redaction);
      }
      return ExitCodes.of(be.code());
    }
    report(
        CliErrorCode.UNEXPECTED,
        "unexpected failure: "
            + ex
            + (root.verbose() ? "" : "; rerun with --verbose for the stack trace"),
        json,
        redaction);
    if (root.verbose()) {
      printTrace(ex, redaction);
    }
    return ExitCodes.of(CliErrorCode.UNEXPECTED);
  }

  private void printTrace(Throwable t, Redaction redaction) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    err.print(redaction.apply(trace.toString()));
  }

  private void report(ErrorCode code, String message, boolean json, Redaction redaction) {
    String safe = redaction.apply(message);
    if (json) {
      err.println(JsonContract.error(code, safe));
    } else {
      err.println("backlog: " + safe);
    }
    err.flush();
  }
}
