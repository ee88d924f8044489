package dev.backlog.cli;

import dev.backlog.cli.internal.Cli;
import dev.backlog.cli.internal.LazyLogback;
import dev.backlog.cli.internal.SyncObserver;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.Reporter;

/**
 * The {@code backlog} command's entry point. {@link #main} runs one command line and exits with its
 * code: 0 ok, 2 invalid input or usage, 3 card not found, 4 conflict, 5 store unavailable, 1
 * unexpected.
 *
 * <p>Stateless; every call to {@link #execute} is independent and thread-safe.
 */
public final class BacklogCli {

  private BacklogCli() {}

  /**
   * Runs the command line and exits the JVM with its exit code. Logging goes through the CLI's own
   * slf4j provider, which starts logback only when there is something to log (unless the {@code
   * slf4j.provider} system property names another).
   */
  public static void main(String[] args) {
    exit(args, SyncObserver.NONE);
  }

  /**
   * What {@link #main} does, with an observer of {@code tracker sync}: production passes {@link
   * SyncObserver#NONE}; the crash test's own main class passes one that stops the process.
   */
  static void exit(String[] args, SyncObserver syncObserver) {
    if (System.getProperty(LoggerFactory.PROVIDER_PROPERTY_KEY) == null) {
      System.setProperty(LoggerFactory.PROVIDER_PROPERTY_KEY, LazyLogback.class.getName());
      // slf4j reports the explicit choice at INFO on stderr; only its warnings and errors are
      // wanted.
      if (System.getProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY) == null) {
        System.setProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY, "WARN");
      }
    }
    int code = Cli.system(syncObserver).execute(args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /**
   * Runs a command line against the process's standard streams, environment and working directory,
   * and returns its exit code instead of exiting.
   */
  public static int execute(String... args) {
    return Cli.system().execute(args);
  }
}
