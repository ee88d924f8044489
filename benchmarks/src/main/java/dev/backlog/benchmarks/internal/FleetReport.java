package dev.backlog.benchmarks.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The report's fleet section and its plot: items per second against workers for every system of
 * {@link FleetScenarios}, and the H2 coalescing rounds.
 *
 * <p>Stateless and thread-safe.
 */
public final class FleetReport {

  /** The plot of the fleet comparison. */
  public static final String FLEET_PNG = "benchmarks/fleet-vs-workers.png";

  /** The systems in the order of the table and the legend, with their labels. */
  private static final List<String[]> SYSTEMS =
      List.of(
          new String[] {"on", "ours, coalescing on"},
          new String[] {"off", "ours, coalescing off"},
          new String[] {"b16", "ours, batches of 16"},
          new String[] {"ceiling", "store-statement ceiling"},
          new String[] {"minimal", "minimal raw pair"},
          new String[] {"dbscheduler", "db-scheduler lock-and-fetch"});

  private FleetReport() {}

  /** Whether the run measured the fleet. */
  public static boolean measured(Results r) {
    return !workers(r).isEmpty();
  }

  private static List<Integer> workers(Results r) {
    TreeSet<Integer> out = new TreeSet<>();
    for (Measurement m : r.measurements()) {
      if (m.group().equals("fleet")) {
        out.add(m.workers());
      }
    }
    return List.copyOf(out);
  }

  /** Draws {@link #FLEET_PNG} under {@code dir} when the run measured the fleet. */
  public static void plot(Results r, Path dir) throws IOException {
    if (!measured(r)) {
      return;
    }
    List<Charts.Series> lines = new ArrayList<>();
    for (String[] s : SYSTEMS) {
      List<Measurement> ms = new ArrayList<>();
      for (int w : workers(r)) {
        r.find(FleetScenarios.id(w, s[0])).ifPresent(ms::add);
      }
      if (!ms.isEmpty()) {
        lines.add(
            new Charts.Series(
                s[1],
                ms.stream().mapToDouble(Measurement::workers).toArray(),
                ms.stream().mapToDouble(Measurement::cardsPerSecond).toArray(),
                List.of()));
      }
    }
    Charts.line(
        dir.resolve(FLEET_PNG),
        "Single-card fleet vs workers (PostgreSQL, synchronous commit)",
        "workers (threads)",
        "items per second",
        lines);
  }

  /** Appends the fleet section to {@code md} when the run measured the fleet. */
  public static void section(StringBuilder md, Results r) {
    if (!measured(r)) {
      return;
    }
    md.append("\n## Fleet: single-card workers, the peer and the minimal pair\n\n")
        .append(
            "Per worker count, in rotated rounds, each system on a schema of its own (so that a"
                + " claim walks only the index entries its own claims left): ours through `Backlog.claim` +"
                + " `complete` with coalescing off and on (one `Backlog` each, pool = workers + 2),"
                + " ours in claims of 16 + `completeAll`, the store-statement ceiling (the store's"
                + " claim statement and a fenced completion on the store's schema) and the minimal"
                + " raw pair (a one-row `FOR UPDATE SKIP LOCKED` claim and a fenced completion on a"
                + " minimal table of its own); then db-scheduler's lock-and-fetch with as many"
                + " threads on its own table of the same server, for as long as one system's rounds"
                + " take. Items per second:\n\n")
        .append("![fleet vs workers](")
        .append(FLEET_PNG)
        .append(")\n\n| workers |");
    for (String[] s : SYSTEMS) {
      md.append(' ').append(s[1]).append(" |");
    }
    md.append(" on / db-scheduler | off / minimal |\n|");
    for (int i = 0; i < SYSTEMS.size() + 3; i++) {
      md.append(" --- |");
    }
    md.append('\n');
    for (int w : workers(r)) {
      md.append("| ").append(w).append(" |");
      for (String[] s : SYSTEMS) {
        md.append(' ')
            .append(
                r.find(FleetScenarios.id(w, s[0]))
                    .map(m -> String.format(Locale.ROOT, "%,.0f", m.cardsPerSecond()))
                    .orElse("—"))
            .append(" |");
      }
      md.append(' ')
          .append(ratio(r, FleetScenarios.id(w, "on"), FleetScenarios.id(w, "dbscheduler")))
          .append(" | ")
          .append(ratio(r, FleetScenarios.id(w, "off"), FleetScenarios.id(w, "minimal")))
          .append(" |\n");
    }
    md.append(
            "\nClaim latency p50 / p99 (claim call and commit; db-scheduler's is not measured):\n\n")
        .append("| workers |");
    for (String[] s : SYSTEMS.subList(0, SYSTEMS.size() - 1)) {
      md.append(' ').append(s[1]).append(" |");
    }
    md.append("\n|");
    for (int i = 0; i < SYSTEMS.size(); i++) {
      md.append(" --- |");
    }
    md.append('\n');
    for (int w : workers(r)) {
      md.append("| ").append(w).append(" |");
      for (String[] s : SYSTEMS.subList(0, SYSTEMS.size() - 1)) {
        md.append(' ')
            .append(
                r.find(FleetScenarios.id(w, s[0]))
                    .map(
                        m ->
                            Targets.us(m.claimP50Micros()) + " / " + Targets.us(m.claimP99Micros()))
                    .orElse("—"))
            .append(" |");
      }
      md.append('\n');
    }
    for (boolean durable : new boolean[] {true, false}) {
      Optional<Measurement> h2on = r.find(H2Scenarios.coalescingId(durable, "on"));
      Optional<Measurement> h2off = r.find(H2Scenarios.coalescingId(durable, "off"));
      if (h2on.isPresent() && h2off.isPresent()) {
        md.append(
            String.format(
                Locale.ROOT,
                "%nH2 in-process, 8 workers, rotated rounds on one file %s: %,.0f items/s with"
                    + " coalescing, %,.0f without (%s).%n",
                durable
                    ? "written at every commit (WRITE_DELAY=0, as the shared file is opened)"
                    : "with H2's default write delay",
                h2on.get().cardsPerSecond(),
                h2off.get().cardsPerSecond(),
                ratio(
                    r,
                    H2Scenarios.coalescingId(durable, "on"),
                    H2Scenarios.coalescingId(durable, "off"))));
      }
    }
  }

  private static String ratio(Results r, String a, String b) {
    Optional<Measurement> x = r.find(a);
    Optional<Measurement> y = r.find(b);
    if (x.isEmpty() || y.isEmpty() || y.get().cardsPerSecond() <= 0) {
      return "—";
    }
    return Targets.x(x.get().cardsPerSecond() / y.get().cardsPerSecond());
  }
}
