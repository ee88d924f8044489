package dev.backlog.cli.internal;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every subcommand: gives it the {@link Context} of the current run. Not thread-safe
 * (picocli creates one instance per run).
 */
abstract class BacklogCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** The context of this run, shared by the root and every subcommand. */
  Context ctx() {
    return ((RootCommand) spec.root().userObject()).context();
  }

  @Override
  public final Integer call() throws Exception {
    return run(ctx());
  }

  /** Runs the command; returns the exit code (0 on success). */
  abstract int run(Context ctx) throws Exception;
}
