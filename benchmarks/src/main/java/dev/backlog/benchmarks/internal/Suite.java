package dev.backlog.benchmarks.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs every scenario of one benchmark run, in a fixed order, and judges the targets. The scenario
 * families live in sibling classes that share {@link ScenarioSteps}.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class Suite {

  private final Options options;
  private final Consumer<String> progress;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** A suite for these options, reporting progress lines to {@code progress}. */
  public Suite(Options options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /** Runs everything and returns the results. */
  public Results run() throws Exception {
    long started = System.nanoTime();
    String startedAt = Instant.now().toString();
    double loadBefore =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    PgServer pg = options.externalPg().map(PgServer::external).orElseGet(PgServer::embedded);
    ScenarioSteps steps = new ScenarioSteps(options, progress, pg, measurements, notes);
    String pgVersion;
    List<Long> serverPids = pg.localServerPids();
    java.util.Optional<CpuShare> cpuBefore = CpuShare.snapshot(serverPids);
    java.util.Optional<CpuShare> cpuAfter;
    try {
      pgVersion = pg.version();
      notes.add("PostgreSQL: " + pg.describe() + ", version " + pgVersion + ".");
      new JitWarmUp(steps).run();
      new ThroughputScenarios(steps).run();
      new BacklogSizeScenarios(steps).run();
      ComparisonScenarios comparisons = new ComparisonScenarios(steps);
      comparisons.baseline();
      new DagScenarios(steps).run();
      comparisons.peer();
      new FleetScenarios(steps).run();
      cpuAfter = CpuShare.snapshot(serverPids);
      new HttpScenarios(steps).runPg();
    } finally {
      pg.close();
    }
    new H2Scenarios(steps).run();
    new HttpScenarios(steps).runH2();
    double others =
        cpuBefore.isPresent() && cpuAfter.isPresent()
            ? cpuAfter.get().othersSince(cpuBefore.get())
            : -1;
    if (others >= 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "Other programs used %.0f %% of the machine's CPU time while the"
                  + " PostgreSQL scenarios ran (from /proc: all busy time minus this driver's and its PostgreSQL's).",
              others * 100));
    }
    progress.accept("timing the CLI");
    CliTiming.Result cli = CliTiming.measure(options.cliRoot(), options.full());
    double loadAfter =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    notes.add(
        String.format(
            Locale.ROOT,
            "System load average (1 minute) at the start %.1f, at the end %.1f, on %d"
                + " cores. Under load the scheduler shares the cores among all runnable threads, so runs with more"
                + " workers also get a larger share of the machine.",
            loadBefore,
            loadAfter,
            Runtime.getRuntime().availableProcessors()));
    Results partial =
        new Results(
            options.modeName(),
            startedAt,
            (System.nanoTime() - started) / 1e9,
            Machine.current(pgVersion),
            measurements,
            List.of(),
            cli,
            notes,
            loadBefore,
            loadAfter,
            others);
    return new Results(
        partial.mode(),
        startedAt,
        partial.wallSeconds(),
        partial.machine(),
        measurements,
        Targets.judge(partial, options),
        cli,
        notes,
        loadBefore,
        loadAfter,
        others);
  }
}
