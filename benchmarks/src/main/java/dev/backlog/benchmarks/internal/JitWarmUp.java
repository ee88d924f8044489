package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.load;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openStore;

import dev.backlog.core.Backlog;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The JIT warm-up before anything is measured: runs the store's claim and complete paths until the
 * compiler is quiet. Records a note, no measurement.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class JitWarmUp {

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

  /** One round of the JIT warm-up; the compiler's time is judged per round. */
  private static final Duration WARM_UP_ROUND = Duration.ofSeconds(1);

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
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    String url = pg.freshSchema("jit_warm_up");
    long start = System.nanoTime();
    int rounds = 0;
    long lastCompileMillis = -1;
    try {
      try (JdbcBacklogStore store = openStore(url, 2)) {
        load(url, l -> doneAndReady(l, 100, 80_000, 0));
        store.describe();
      }
      try (Backlog backlog = openBacklog(url, 2)) {
        while (true) {
          long compiled = timed ? jit.getTotalCompilationTime() : 0;
          int workers = rounds % 2 + 1;
          LoadDriver.run(workers, WARM_UP_ROUND, i -> Workers.ours(backlog, "w" + i, 1));
          rounds++;
          lastCompileMillis = timed ? jit.getTotalCompilationTime() - compiled : -1;
          Duration spent = Duration.ofNanos(System.nanoTime() - start);
          boolean quiet = timed && lastCompileMillis * 20 < WARM_UP_ROUND.toMillis();
          if (spent.compareTo(most) >= 0 || (spent.compareTo(least) >= 0 && (quiet || !timed))) {
            break;
          }
        }
      }
    } finally {
      pg.dropSchema(url);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    steps.note(
        String.format(
            Locale.ROOT,
            "A JIT warm-up on the store preceded the measurements: %.0f s, until the"
                + " compiler spent less than 5 %% of a round compiling (%s in the last round of %d ms); each scenario also"
                + " has its own short warm-up.",
            seconds,
            lastCompileMillis < 0 ? "not measurable" : lastCompileMillis + " ms",
            WARM_UP_ROUND.toMillis()));
  }
}
