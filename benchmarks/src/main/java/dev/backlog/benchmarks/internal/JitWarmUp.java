package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.loadMigrated;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;

import dev.backlog.core.Backlog;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The JIT warm-up before anything is measured: runs the store's claim and complete paths until the
 * compiler is quiet. Records a note, no measurement. {@link #untilQuiet} is the same loop for a
 * scenario with code of its own to compile (the HTTP server's).
 *
 * <p>Not thread-safe: one run at a time.
 */
final class JitWarmUp {

  /** One round of the JIT warm-up; the compiler's time is judged per round. */
  static final Duration ROUND = Duration.ofSeconds(1);

  /** One round of warm-up work; {@code index} counts from 0. */
  @FunctionalInterface
  interface Round {
    void run(int index) throws Exception;
  }

  /**
   * What a warm-up did.
   *
   * @param seconds how long it ran
   * @param rounds how many rounds it ran
   * @param lastCompileMillis the compiler's time in the last round, or -1 where the JVM does not
   *     report it
   */
  record Quiet(double seconds, int rounds, long lastCompileMillis) {
    /** The compiler's time in the last round as a note shows it. */
    String lastRound() {
      return lastCompileMillis < 0 ? "not measurable" : lastCompileMillis + " ms";
    }
  }

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;

  JitWarmUp(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
    this.pg = steps.pg();
  }

  /**
   * Runs rounds of about {@link #ROUND} each for at least {@code least} and then until the JIT
   * compiler spent less than 5 % of a round compiling, or {@code most} has passed.
   */
  static Quiet untilQuiet(Duration least, Duration most, Round round) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    long start = System.nanoTime();
    int rounds = 0;
    long lastCompileMillis = -1;
    while (true) {
      long compiled = timed ? jit.getTotalCompilationTime() : 0;
      round.run(rounds);
      rounds++;
      lastCompileMillis = timed ? jit.getTotalCompilationTime() - compiled : -1;
      Duration spent = Duration.ofNanos(System.nanoTime() - start);
      boolean quiet = timed && lastCompileMillis * 20 < ROUND.toMillis();
      if (spent.compareTo(most) >= 0 || (spent.compareTo(least) >= 0 && (quiet || !timed))) {
        return new Quiet((System.nanoTime() - start) / 1e9, rounds, lastCompileMillis);
      }
    }
  }

  /**
   * Runs the store's claim and complete paths for a while before anything is measured, so that the
   * first scenario does not pay for the JIT compiling the library's code (the ceiling has far less
   * code to compile). Nothing of it is recorded.
   */
  void run() throws Exception {
    Duration least = options.full() ? Duration.ofSeconds(10) : Duration.ofSeconds(5);
    Duration most = options.full() ? Duration.ofSeconds(40) : Duration.ofSeconds(25);
    progress.accept(
        "JIT warm-up ("
            + least.toSeconds()
            + " to "
            + most.toSeconds()
            + " s, until the compiler is"
            + " quiet; not measured)");
    String url = pg.freshSchema("jit_warm_up");
    Quiet quiet;
    try {
      loadMigrated(url, l -> doneAndReady(l, 100, 80_000, 0));
      try (Backlog backlog = openBacklog(url, 2)) {
        quiet =
            untilQuiet(
                least,
                most,
                r -> LoadDriver.run(r % 2 + 1, ROUND, i -> Workers.ours(backlog, "w" + i, 1)));
      }
    } finally {
      pg.dropSchema(url);
    }
    steps.note(
        String.format(
            Locale.ROOT,
            "A JIT warm-up on the store preceded the measurements: %.0f s; it ends once the"
                + " compiler spends under 5 %% of a round compiling, or after %d s (%s in the last"
                + " round of %d ms). Each scenario also has its own short warm-up.",
            quiet.seconds(),
            most.toSeconds(),
            quiet.lastRound(),
            ROUND.toMillis()));
  }
}
