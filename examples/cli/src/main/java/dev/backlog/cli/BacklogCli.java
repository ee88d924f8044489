package dev.backlog.cli;

import dev.backlog.cli.internal.Cli;

/**
 * The {@code backlog} command's entry point. {@link #main} runs one command line and exits with
 * its code: 0 ok, 2 invalid input or usage, 3 card not found, 4 conflict, 5 store unavailable,
 * 1 unexpected.
 *
 * <p>Stateless; every call to {@link #execute} is independent and thread-safe.
 */
public final class BacklogCli {

  private BacklogCli() {
  }

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    int code = execute(args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /**
   * Runs a command line against the process's standard streams, environment and working
   * directory, and returns its exit code instead of exiting.
   */
  public static int execute(String... args) {
    return Cli.system().execute(args);
  }
}
