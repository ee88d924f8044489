package dev.backlog.benchmarks.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code backlog-bench fleet}: the fleet comparison alone ({@link FleetScenarios} and the H2
 * coalescing rounds), with the JIT warmed first, judged against the fleet targets only; for
 * measuring a change to the single-card path without the whole suite.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class FleetRun {

  /** The section this mode writes into its output directory. */
  public static final String FLEET_MD = "fleet.md";

  private FleetRun() {}

  /** Runs the fleet scenarios with these options' worker counts and round lengths. */
  public static Results run(Options options, Consumer<String> progress) throws Exception {
    long started = System.nanoTime();
    String startedAt = Instant.now().toString();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Measurement> measurements = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    PgServer pg = options.externalPg().map(PgServer::external).orElseGet(PgServer::embedded);
    ScenarioSteps steps = new ScenarioSteps(options, progress, pg, measurements, notes);
    String version;
    double others = -1;
    try {
      version = pg.version();
      notes.add("PostgreSQL: " + pg.describe() + ", version " + version + ".");
      new JitWarmUp(steps).run();
      Optional<CpuShare> before = CpuShare.snapshot(pg.localServerPids());
      new FleetScenarios(steps).run();
      Optional<CpuShare> after = CpuShare.snapshot(pg.localServerPids());
      if (before.isPresent() && after.isPresent()) {
        others = after.get().othersSince(before.get());
      }
    } finally {
      pg.close();
    }
    new H2Scenarios(steps).runCoalescing();
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    notes.add(
        String.format(
            Locale.ROOT,
            "System load average (1 minute) at the start %.1f, at the end %.1f, on %d cores;"
                + " other programs used %s of the machine's CPU time while the PostgreSQL fleet ran.",
            loadBefore,
            loadAfter,
            Runtime.getRuntime().availableProcessors(),
            others < 0 ? "an unknown share" : String.format(Locale.ROOT, "%.0f %%", others * 100)));
    Results partial =
        new Results(
            "fleet" + (options.full() ? "" : "-quick"),
            startedAt,
            (System.nanoTime() - started) / 1e9,
            Machine.current(version),
            measurements,
            List.of(),
            CliTiming.Result.notMeasured("-", "not part of the fleet run"),
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
        FleetTargets.judge(partial),
        partial.cli(),
        notes,
        loadBefore,
        loadAfter,
        others);
  }

  /**
   * Writes the fleet section with its targets ({@value #FLEET_MD}) and its plot into {@code dir};
   * returns the Markdown file.
   */
  public static Path write(Results r, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("benchmarks"));
    FleetReport.plot(r, dir);
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Mode **%s**, started %s, %.0f s of wall time.%n%n",
            r.mode(),
            r.startedAt(),
            r.wallSeconds()));
    Report.targets(md, r.targets());
    FleetReport.section(md, r);
    md.append('\n');
    for (String note : r.notes()) {
      md.append("- ").append(note).append('\n');
    }
    Path file = dir.resolve(FLEET_MD);
    Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    return file;
  }
}
