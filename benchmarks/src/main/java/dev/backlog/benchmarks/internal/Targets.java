package dev.backlog.benchmarks.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges the performance targets of the design from one run's measurements. Every ratio compares
 * measurements of the same run.
 *
 * <p>Stateless and thread-safe.
 */
public final class Targets {

  /** The CLI's median wall-time limit in seconds. */
  public static final double CLI_LIMIT_SECONDS = 0.5;

  private Targets() {}

  /** The targets, in the design's order. */
  public static List<Target> judge(Results r, Options options) {
    List<Target> out = new ArrayList<>();
    out.add(ceiling(r));
    out.add(batching(r));
    out.add(backlogSize(r));
    out.add(baseline(r));
    out.add(dag(r));
    out.add(h2(r));
    out.add(cli(r));
    out.add(http(r));
    out.add(httpClaimLatency(r));
    out.add(stream(r));
    out.addAll(FleetTargets.judge(r));
    return out;
  }

  private static Target ceiling(Results r) {
    String name =
        "PostgreSQL, synchronous commit: single-card claim+complete throughput vs the raw-JDBC ceiling";
    double worst = Double.NaN;
    int worstW = 0;
    StringBuilder all = new StringBuilder();
    for (Measurement ours : r.measurements()) {
      if (!ours.group().equals("throughput") || !ours.system().equals("ours")) {
        continue;
      }
      Optional<Measurement> ceil = r.find("pg.ceiling.w" + ours.workers());
      if (ceil.isEmpty() || ceil.get().cardsPerSecond() <= 0) {
        continue;
      }
      double ratio = ours.cardsPerSecond() / ceil.get().cardsPerSecond();
      all.append(all.length() == 0 ? "" : ", ")
          .append(ours.workers())
          .append(" w: ")
          .append(pct(ratio));
      if (Double.isNaN(worst) || ratio < worst) {
        worst = ratio;
        worstW = ours.workers();
      }
    }
    if (Double.isNaN(worst)) {
      return Target.notMeasured(name, "≥ 0.80", "—", "no ceiling measurement in this run");
    }
    boolean met = worst >= 0.80;
    String growth = "";
    boolean oursScalesLess = false;
    Optional<Measurement> o1 = r.find("pg.ours.w1.b1");
    Optional<Measurement> c1 = r.find("pg.ceiling.w1");
    int top =
        r.measurements().stream()
            .filter(m -> m.system().equals("ceiling"))
            .mapToInt(Measurement::workers)
            .max()
            .orElse(1);
    Optional<Measurement> oN = r.find("pg.ours.w" + top + ".b1");
    Optional<Measurement> cN = r.find("pg.ceiling.w" + top);
    if (top > 1 && o1.isPresent() && c1.isPresent() && oN.isPresent() && cN.isPresent()) {
      double og = oN.get().cardsPerSecond() / o1.get().cardsPerSecond();
      double cg = cN.get().cardsPerSecond() / c1.get().cardsPerSecond();
      oursScalesLess = og < cg;
      growth =
          String.format(
              Locale.ROOT,
              "; from 1 to %d workers ours grows %.1f×, the ceiling %.1f×",
              top,
              og,
              cg);
    }
    String reason;
    Optional<Measurement> b64 = r.find("pg.ours.w1.b64").or(() -> r.find("pg.ours.w4.b64"));
    Optional<Measurement> b1 = b64.flatMap(b -> r.find("pg.ours.w" + b.workers() + ".b1"));
    if (b64.isPresent()
        && b1.isPresent()
        && b64.get().cardsPerSecond() > 0
        && b1.get().cardsPerSecond() > 0) {
      reason =
          String.format(
              Locale.ROOT,
              "the gap is a fixed cost per store transaction rather than the work per"
                  + " card: with %d worker(s) a single-card claim+complete takes %.1f ms per card, while a 64-card batch"
                  + " (two transactions per 64 cards) takes %.2f ms per card. "
                  + PER_TRANSACTION,
              b64.get().workers(),
              1_000 / b1.get().cardsPerSecond(),
              1_000 / b64.get().cardsPerSecond());
    } else {
      reason = PER_TRANSACTION;
    }
    if (oursScalesLess) {
      reason +=
          "; with more workers, writers do not queue on a shared row (events are numbered from a sequence"
              + " behind a shared advisory lock, status counts are striped per connection, and NOTIFY is sent after"
              + " commit from a background thread), so concurrent commits share fsyncs as the ceiling's do; what remains"
              + " is CPU per card, and on 2 cores shared by the workers, PostgreSQL and other programs the store's"
              + " larger statements and the library's code run out of cores sooner than the bare ceiling";
    }
    return Target.judged(
        name,
        "≥ 0.80",
        worst,
        met,
        "lowest ratio over worker counts (" + all + "); lowest at " + worstW + " workers" + growth,
        met ? "" : reason);
  }

  /** Why a single-card store transaction costs more than the ceiling's. */
  private static final String PER_TRANSACTION =
      "A single-card claim or completion runs as many statements as"
          + " the ceiling's (each writes its event and status counts in its own statement), but each statement does"
          + " more: besides the card it writes an event row with its index entries and a status-count row, takes the"
          + " event fence and reads the card's dependencies; and the library adds its own CPU per call (a pooled"
          + " connection per transaction, the facade, the event's JSON), which takes turns with the"
          + " database for the same cores";

  private static Target batching(Results r) {
    String name = "PostgreSQL: batched claims (64 per claim) vs single-card claims";
    double worst = Double.NaN;
    StringBuilder all = new StringBuilder();
    for (Measurement b64 : r.measurements()) {
      if (!b64.group().equals("batch") || b64.batch() != 64) {
        continue;
      }
      Optional<Measurement> b1 = r.find("pg.ours.w" + b64.workers() + ".b1");
      if (b1.isEmpty() || b1.get().cardsPerSecond() <= 0) {
        continue;
      }
      double ratio = b64.cardsPerSecond() / b1.get().cardsPerSecond();
      all.append(all.length() == 0 ? "" : ", ")
          .append(b64.workers())
          .append(" w: ")
          .append(x(ratio));
      worst = Double.isNaN(worst) ? ratio : Math.min(worst, ratio);
    }
    if (Double.isNaN(worst)) {
      return Target.notMeasured(name, "≥ 8×", "—", "no batch measurement in this run");
    }
    boolean met = worst >= 8;
    return Target.judged(
        name,
        "≥ 8×",
        worst,
        met,
        "lowest ratio over worker counts ("
            + all
            + "); a batch is claimed in one transaction and completed in one"
            + " (completeAll)",
        met
            ? ""
            : "a batch costs two commits and five statements per 64 cards (the claim; then locking, completing"
                + " and the events of the batch), so what remains per card is the rows it writes (the card twice, two"
                + " events, index entries, dependents' counters) and the CPU for them, which on this 2-core machine the"
                + " workers, PostgreSQL and other programs share");
  }

  private static Target backlogSize(Results r) {
    String name = "Claim p99 at a large, mostly done backlog vs p99 at 1,000 cards";
    Optional<Measurement> small = r.find("pg.size.1000");
    Optional<Measurement> big = r.find("pg.size.1000000").or(() -> r.find("pg.size.100000"));
    if (small.isEmpty() || big.isEmpty() || small.get().claimP99Micros() <= 0) {
      return Target.notMeasured(name, "≤ 1.5×", "—", "a backlog-size measurement is missing");
    }
    double ratio = big.get().claimP99Micros() / small.get().claimP99Micros();
    boolean million = big.get().id().endsWith("1000000");
    boolean met = ratio <= 1.5;
    String basis =
        "p99 "
            + us(big.get().claimP99Micros())
            + " at "
            + (million ? "1,000,000" : "100,000")
            + " cards vs "
            + us(small.get().claimP99Micros())
            + " at 1,000 (4 workers)";
    String reason =
        million
            ? ""
            : "measured at 100,000 cards, not 1,000,000: run with --million for the design's size";
    if (!met) {
      reason =
          (reason.isEmpty() ? "" : reason + "; ")
              + "the claim reads only the partial index of claimable"
              + " cards, so a higher tail comes from the larger tables' other indexes, cache misses and the noise of"
              + " fsync on a shared disk";
    }
    return Target.judged(name, "≤ 1.5×", ratio, met, basis, reason);
  }

  private static Target baseline(Results r) {
    String name =
        "Seed 003's claim query (jsonb depends_on, NOT EXISTS against the done ids) vs ours at 100,000"
            + " done cards";
    Optional<Measurement> ours = r.find("pg.base.ours");
    Optional<Measurement> seed = r.find("pg.base.seed003");
    if (ours.isEmpty() || seed.isEmpty() || ours.get().claimP50Micros() <= 0) {
      return Target.notMeasured(name, "≥ 50× slower", "—", "a baseline measurement is missing");
    }
    double ratio = seed.get().claimP50Micros() / ours.get().claimP50Micros();
    double throughput =
        seed.get().cardsPerSecond() > 0
            ? ours.get().cardsPerSecond() / seed.get().cardsPerSecond()
            : Double.NaN;
    boolean met = ratio >= 50;
    return Target.judged(
        name,
        "≥ 50× slower",
        ratio,
        met,
        "median claim latency (claim statement + commit), seed "
            + us(seed.get().claimP50Micros())
            + " vs ours "
            + us(ours.get().claimP50Micros())
            + "; claim+complete throughput ratio "
            + x(throughput),
        met
            ? ""
            : "a single claim of ours costs at least one synchronous commit (an fsync), which bounds how much"
                + " faster it can be than a query that scans the done ids");
  }

  private static Target dag(Results r) {
    String name = "Random DAG (mean in-degree 3): claim+complete rate vs the DAG-free rate";
    Optional<Measurement> dag = r.find("pg.dag.random");
    Optional<Measurement> free = r.find("pg.dag.free");
    if (dag.isEmpty() || free.isEmpty() || free.get().cardsPerSecond() <= 0) {
      return Target.notMeasured(name, "≥ 0.80", "—", "a DAG measurement is missing");
    }
    double ratio = dag.get().cardsPerSecond() / free.get().cardsPerSecond();
    boolean met = ratio >= 0.80;
    return Target.judged(
        name,
        "≥ 0.80 (within 20 %)",
        ratio,
        met,
        dag.get().backlog() + " vs " + free.get().backlog() + ", 4 workers, rotated rounds",
        met
            ? ""
            : "completing a card also locks and updates its dependents' counters, in the same statement as"
                + " the completion, and the cards completed in a run of seconds are the oldest, which have the"
                + " most dependents (the notes give how many: more than the mean in-degree of 3): each is a new row version, in place (HOT, no index entries)"
                + " while the dependent stays unclaimable, with new index entries when it becomes claimable; and claims"
                + " return each card's dependencies: more rows locked, written and returned per card than without"
                + " dependencies, on a CPU-bound machine. Since a single-card transaction lost most of its fixed cost"
                + " (the one-card claim's generic plan, events written in the operation's own statement), this"
                + " per-dependency work weighs more than it did");
  }

  private static Target h2(Results r) {
    String name = "H2 embedded, in-process: throughput grows from 1 to 4 workers";
    Optional<Measurement> one = r.find("h2.ours.w1");
    Optional<Measurement> four = r.find("h2.ours.w4");
    if (one.isEmpty() || four.isEmpty() || one.get().cardsPerSecond() <= 0) {
      return Target.notMeasured(name, "> 1.0×", "—", "an H2 measurement is missing");
    }
    double ratio = four.get().cardsPerSecond() / one.get().cardsPerSecond();
    boolean met = ratio > 1.0;
    return Target.judged(
        name,
        "> 1.0×",
        ratio,
        met,
        String.format(
            Locale.ROOT,
            "%.0f cards/s with 4 workers vs %.0f with 1",
            four.get().cardsPerSecond(),
            one.get().cardsPerSecond()),
        met
            ? "growth is bounded by the machine's 2 cores: H2 runs in the same process as the workers"
            : "on 2 shared cores an in-process database and 4 workers compete for the same CPU");
  }

  private static Target http(Results r) {
    String name = "HTTP (`backlog serve`), 16 clients: claim+complete throughput vs in-process";
    double worst = Double.NaN;
    StringBuilder basis = new StringBuilder();
    for (String db : List.of("h2", "pg")) {
      Optional<Measurement> http = r.find(db + ".http.ours");
      Optional<Measurement> in = r.find(db + ".http.inproc");
      if (http.isEmpty() || in.isEmpty() || in.get().cardsPerSecond() <= 0) {
        continue;
      }
      double ratio = http.get().cardsPerSecond() / in.get().cardsPerSecond();
      basis
          .append(basis.length() == 0 ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%s: %.0f cards/s over HTTP vs %.0f in-process (%s)",
                  http.get().database(),
                  http.get().cardsPerSecond(),
                  in.get().cardsPerSecond(),
                  pct(ratio)));
      worst = Double.isNaN(worst) ? ratio : Math.min(worst, ratio);
    }
    if (Double.isNaN(worst)) {
      return Target.notMeasured(name, "≥ 0.50", "—", "no HTTP measurement");
    }
    boolean met = worst >= 0.5;
    return Target.judged(
        name,
        "≥ 0.50",
        worst,
        met,
        "lowest of " + basis + "; same backlog, alternating rounds, server in the driver's process",
        met
            ? ""
            : "each HTTP call adds a request parse, a wake-up of the server's selector, a hand-off"
                + " to a request thread, a wake-up of the client and a JSON round trip, all on the"
                + " same few cores as the database and the 16 clients; the in-process workers pay"
                + " none of it");
  }

  private static Target httpClaimLatency(Results r) {
    String name = "HTTP on H2: claim p50 (request round trip, 16 clients)";
    Optional<Measurement> http = r.find("h2.http.ours");
    if (http.isEmpty() || http.get().claims() == 0) {
      return Target.notMeasured(name, "≤ 5 ms", "—", "no HTTP measurement");
    }
    double ms = http.get().claimP50Micros() / 1e3;
    boolean met = ms <= 5;
    return Target.judged(
        name,
        "≤ 5 ms (ratio ≤ 1.0)",
        ms / 5,
        met,
        String.format(
            Locale.ROOT,
            "p50 %.2f ms, p99 %.2f ms over %d claims",
            ms,
            http.get().claimP99Micros() / 1e3,
            http.get().claims()),
        met
            ? ""
            : "16 clients, the server and H2 share the machine's cores; the in-process claim p50 of"
                + " the same run shows how much of it is waiting for a core");
  }

  private static Target stream(Results r) {
    String name = "HTTP event stream: delivery delay from commit, p99";
    double worst = Double.NaN;
    StringBuilder basis = new StringBuilder();
    for (String db : List.of("h2", "pg")) {
      Optional<Measurement> m = r.find(db + ".http.stream");
      if (m.isEmpty() || m.get().claims() == 0) {
        continue;
      }
      double p99 = m.get().claimP99Micros() / 1e3;
      basis
          .append(basis.length() == 0 ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%s: p50 %.1f ms, p99 %.1f ms over %d events",
                  m.get().database(),
                  m.get().claimP50Micros() / 1e3,
                  p99,
                  m.get().claims()));
      worst = Double.isNaN(worst) ? p99 : Math.max(worst, p99);
    }
    if (Double.isNaN(worst)) {
      return Target.notMeasured(name, "≤ 100 ms", "—", "no stream measured");
    }
    boolean met = worst <= 100;
    return Target.judged(
        name,
        "≤ 100 ms (ratio ≤ 1.0)",
        worst / 100,
        met,
        "highest of " + basis,
        met
            ? "the server pushes each commit of its backlog to the streams as it happens"
            : "the server pushes each commit of its backlog to the streams without reading the"
                + " store, but the committing thread, the stream's thread and the client each wait"
                + " for one of the machine's cores, shared with the 16 clients and the database");
  }

  private static Target cli(Results r) {
    String name = "CLI: median wall time of `backlog claim --json` on a warm H2 file";
    CliTiming.Result cli = r.cli();
    if (!cli.status().equals("measured")) {
      return Target.notMeasured(name, "≤ 0.5 s", cli.command(), cli.reason());
    }
    double ratio = cli.medianSeconds() / CLI_LIMIT_SECONDS;
    boolean met = cli.medianSeconds() <= CLI_LIMIT_SECONDS;
    return Target.judged(
        name,
        "≤ 0.5 s (ratio ≤ 1.0)",
        ratio,
        met,
        String.format(
            Locale.ROOT,
            "median %.3f s over %d runs of %s",
            cli.medianSeconds(),
            cli.runsSeconds().size(),
            cli.command()),
        met
            ? cli.reason()
            : "starting a JVM, opening the H2 file and checking the schema dominate, and the"
                + " machine's load slows a cold process most"
                + (cli.reason().isEmpty() ? "" : "; " + cli.reason()));
  }

  static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
  }

  static String x(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.1f×", ratio);
  }

  static String us(double micros) {
    return micros >= 1_000
        ? String.format(Locale.ROOT, "%.1f ms", micros / 1_000)
        : String.format(Locale.ROOT, "%.0f µs", micros);
  }
}
