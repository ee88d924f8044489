package dev.backlog.cli;

import java.util.Arrays;

/**
 * Test-only entry point: the real {@code backlog} command (as {@link BacklogCli#main}), with an
 * observer of {@code tracker sync} that halts the JVM, as {@code kill -9} would, right after the
 * N-th event the sync applied and before the bridge records its cursor. Exit code 137.
 *
 * <p>Usage: {@code java -cp backlog.jar:test-classes dev.backlog.cli.HaltingSyncMain N
 * backlog-args…}
 */
public final class HaltingSyncMain {

  /** The exit code of a halted process, as after SIGKILL. */
  static final int HALTED = 137;

  private HaltingSyncMain() {}

  /** Runs {@code args[1..]} as a command line, halting after {@code args[0]} applied events. */
  public static void main(String[] args) {
    long haltAfter = Long.parseLong(args[0]);
    BacklogCli.exit(
        Arrays.copyOfRange(args, 1, args.length),
        applied -> {
          if (applied >= haltAfter) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(HALTED);
          }
        });
  }
}
