package dev.backlog.cli.coord;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code backlog coord}: git coordination from the command line. Every subcommand accepts {@code
 * --json} (one JSON value on stdout) and fails with the exit code of the error's category. Not
 * thread-safe; picocli creates one instance per run.
 */
@Command(
    name = "coord",
    description = {
      "Git coordination for workers in parallel worktrees.",
      "A mission's coordination branch, lane worktrees, atomic bookkeeping commits and serialized "
          + "merges (git 2.25 or later)."
    },
    subcommands = {
      InitCommand.class,
      LaneCommand.class,
      RecordCommand.class,
      StatusCommand.class,
      MergeCommand.class,
      CleanupCommand.class,
      DoctorCommand.class
    })
public final class CoordCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Creates the command (picocli instantiates it). */
  public CoordCommand() {}

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "a coord command is required, such as 'backlog coord status'");
  }
}
