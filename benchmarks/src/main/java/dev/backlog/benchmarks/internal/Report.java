package dev.backlog.benchmarks.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Writes {@code benchmarks.md} and its plots ({@code benchmarks/*.png}) from one run's results.
 * Every figure sits next to its ratio against the ceiling, baseline or peer of the same run.
 *
 * <p>Stateless and thread-safe.
 */
public final class Report {

  /** The plot of throughput against workers. */
  public static final String THROUGHPUT_PNG = "benchmarks/throughput-vs-workers.png";

  /** The plot of claim p99 against backlog size. */
  public static final String P99_PNG = "benchmarks/p99-vs-backlog-size.png";

  /**
   * The section of the last {@code backlog-bench mcp} run, appended to the page when present in the
   * report's directory.
   */
  public static final String MCP_MD = "benchmarks/mcp.md";

  /**
   * Write-ups by hand of single changes and of measurements outside the driver's run (each with the
   * figures of its own runs), appended to the page as they are when present in the report's
   * directory.
   */
  public static final String NOTES_MD = "benchmarks/notes.md";

  private Report() {}

  /**
   * Writes {@code dir/benchmarks.md} and {@code dir/benchmarks/*.png}; returns the Markdown file.
   */
  public static Path write(Results r, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("benchmarks"));
    plots(r, dir);
    Path md = dir.resolve("benchmarks.md");
    String text = markdown(r);
    Path mcp = dir.resolve(MCP_MD);
    if (Files.isRegularFile(mcp)) {
      // The MCP figures come from their own run (backlog-bench mcp --docs DIR).
      text += "\n## MCP server\n\n" + Files.readString(mcp, StandardCharsets.UTF_8);
    }
    Path notes = dir.resolve(NOTES_MD);
    if (Files.isRegularFile(notes)) {
      text += "\n" + Files.readString(notes, StandardCharsets.UTF_8);
    }
    Files.writeString(md, text, StandardCharsets.UTF_8);
    return md;
  }

  private static void plots(Results r, Path dir) throws IOException {
    FleetReport.plot(r, dir);
    List<Charts.Series> lines = new ArrayList<>();
    List<Measurement> ours =
        r.measurements().stream()
            .filter(m -> m.group().equals("throughput") && m.system().equals("ours"))
            .toList();
    if (!ours.isEmpty()) {
      lines.add(
          new Charts.Series(
              "ours, PG (% of ceiling)",
              ours.stream().mapToDouble(Measurement::workers).toArray(),
              ours.stream().mapToDouble(Measurement::cardsPerSecond).toArray(),
              ours.stream()
                  .map(
                      m ->
                          r.find("pg.ceiling.w" + m.workers())
                              .map(c -> Targets.pct(m.cardsPerSecond() / c.cardsPerSecond()))
                              .orElse(""))
                  .toList()));
    }
    addSeries(lines, r, "ceiling (raw JDBC), PG", m -> m.system().equals("ceiling"));
    addSeries(lines, r, "ours, H2 (in-process)", m -> m.group().equals("h2"));
    Charts.line(
        dir.resolve(THROUGHPUT_PNG),
        "Claim+complete throughput vs workers (batch 1)",
        "workers",
        "cards per second",
        lines);
    List<Measurement> sizes =
        r.measurements().stream().filter(m -> m.group().equals("backlog-size")).toList();
    double[] xs =
        sizes.stream()
            .mapToDouble(m -> Double.parseDouble(m.id().substring("pg.size.".length())))
            .toArray();
    double[] p99 = sizes.stream().mapToDouble(m -> m.claimP99Micros() / 1_000).toArray();
    double[] p50 = sizes.stream().mapToDouble(m -> m.claimP50Micros() / 1_000).toArray();
    Charts.line(
        dir.resolve(P99_PNG),
        "Claim latency vs backlog size (PostgreSQL, 4 workers)",
        "cards in the backlog (all but 500 done)",
        "claim latency, ms",
        List.of(
            new Charts.Series(
                "p99 (× p99 at 1,000)",
                xs,
                p99,
                sizes.stream()
                    .map(
                        m ->
                            r.find("pg.size.1000")
                                .map(k -> Targets.x(m.claimP99Micros() / k.claimP99Micros()))
                                .orElse(""))
                    .toList()),
            new Charts.Series("p50", xs, p50, List.of())));
  }

  private static void addSeries(
      List<Charts.Series> out, Results r, String name, Predicate<Measurement> which) {
    List<Measurement> ms = r.measurements().stream().filter(which).toList();
    if (!ms.isEmpty()) {
      out.add(
          new Charts.Series(
              name,
              ms.stream().mapToDouble(Measurement::workers).toArray(),
              ms.stream().mapToDouble(Measurement::cardsPerSecond).toArray(),
              List.of()));
    }
  }

  /** The report's Markdown text. */
  public static String markdown(Results r) {
    StringBuilder md = new StringBuilder();
    Machine m = r.machine();
    md.append("# Benchmarks\n\n");
    md.append(
            "Generated by the benchmark driver (`benchmarks/`) from the `results.json` of one run: mode **")
        .append(r.mode())
        .append("**, started ")
        .append(r.startedAt())
        .append(", ")
        .append(String.format(Locale.ROOT, "%.0f", r.wallSeconds()))
        .append(" s of wall time. Run it again with\n\n")
        .append("```\n./backlog-bench quick|full [--million] [--pg-url URL] [--out DIR]\n```\n\n")
        .append(
            "`full` also rewrites this page and its plots; `quick` (what CI runs) writes them into the output"
                + " directory only; `./backlog-bench report docs/benchmarks/results.json docs` rewrites this page from"
                + " the stored results of the run it shows. The machine is shared and noisy, so absolute numbers move from run to run; the"
                + " ratios, each taken between measurements of the same run, are what the targets judge.\n\n");
    md.append("## Machine\n\n| cores | memory | JVM max heap | JDK | OS | PostgreSQL | H2 |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n")
        .append("| ")
        .append(m.cores())
        .append(" | ")
        .append(String.format(Locale.ROOT, "%,d MiB", m.memoryMiB()))
        .append(" | ")
        .append(String.format(Locale.ROOT, "%,d MiB", m.maxHeapMiB()))
        .append(" | ")
        .append(m.jdk())
        .append(" | ")
        .append(m.os())
        .append(" | ")
        .append(m.postgres())
        .append(" | ")
        .append(m.h2())
        .append(" |\n\n");

    md.append("## Targets\n\n");
    targets(md, r.targets());

    md.append("\n## Throughput against workers\n\n![throughput vs workers](")
        .append(THROUGHPUT_PNG)
        .append(")\n\n")
        .append(
            "Single-card claim+complete on PostgreSQL (fsync and synchronous commit on), ours against the"
                + " raw-JDBC ceiling, and ours on H2 in-process. Backlog: ")
        .append(first(r, "throughput").map(Measurement::backlog).orElse("—"))
        .append(".\n\n")
        .append(
            "| workers | ours cards/s | ceiling cards/s | ours / ceiling | ours claim p50 / p99 | ceiling claim"
                + " p50 / p99 | commits per card, ours / ceiling | H2 cards/s | H2 vs 1 worker |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    Optional<Measurement> h2one = r.find("h2.ours.w1");
    for (Measurement ours : r.measurements()) {
      if (!ours.group().equals("throughput") || !ours.system().equals("ours")) {
        continue;
      }
      Optional<Measurement> ceil = r.find("pg.ceiling.w" + ours.workers());
      Optional<Measurement> h2 = r.find("h2.ours.w" + ours.workers());
      md.append("| ")
          .append(ours.workers())
          .append(" | ")
          .append(rate(ours))
          .append(" | ")
          .append(ceil.map(Report::rate).orElse("—"))
          .append(" | ")
          .append(
              ceil.map(c -> Targets.pct(ours.cardsPerSecond() / c.cardsPerSecond())).orElse("—"))
          .append(" | ")
          .append(lat(ours))
          .append(" | ")
          .append(ceil.map(Report::lat).orElse("—"))
          .append(" | ")
          .append(commits(ours))
          .append(" / ")
          .append(ceil.map(Report::commits).orElse("—"))
          .append(" | ")
          .append(h2.map(Report::rate).orElse("—"))
          .append(" | ")
          .append(
              h2.isPresent() && h2one.isPresent()
                  ? Targets.x(h2.get().cardsPerSecond() / h2one.get().cardsPerSecond())
                  : "—")
          .append(" |\n");
    }
    List<Measurement> h2Only =
        r.measurements().stream()
            .filter(
                x -> x.group().equals("h2") && r.find("pg.ours.w" + x.workers() + ".b1").isEmpty())
            .toList();
    if (!h2Only.isEmpty()) {
      md.append("\nH2 worker counts without a PostgreSQL counterpart in this mode:\n\n")
          .append("| workers | H2 cards/s | vs 1 worker | claim p50 / p99 | commits per card |\n")
          .append("| --- | --- | --- | --- | --- |\n");
      for (Measurement h : h2Only) {
        md.append("| ")
            .append(h.workers())
            .append(" | ")
            .append(rate(h))
            .append(" | ")
            .append(h2one.map(o -> Targets.x(h.cardsPerSecond() / o.cardsPerSecond())).orElse("—"))
            .append(" | ")
            .append(lat(h))
            .append(" | ")
            .append(commits(h))
            .append(" |\n");
      }
    }

    md.append(
            "\n## Batched claims\n\nA worker claims up to N cards in one transaction and completes them in one"
                + " transaction. Ratios are against single-card claims with the same number of workers.\n\n")
        .append(
            "| workers | cards per claim | cards/s | × single-card | claim p50 / p99 | commits per card |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (Measurement b : r.measurements()) {
      if (!b.group().equals("batch")) {
        continue;
      }
      Optional<Measurement> one = r.find("pg.ours.w" + b.workers() + ".b1");
      md.append("| ")
          .append(b.workers())
          .append(" | ")
          .append(b.batch())
          .append(" | ")
          .append(rate(b))
          .append(" | ")
          .append(one.map(o -> Targets.x(b.cardsPerSecond() / o.cardsPerSecond())).orElse("—"))
          .append(" | ")
          .append(lat(b))
          .append(" | ")
          .append(commits(b))
          .append(" |\n");
    }

    md.append("\n## Claim latency against backlog size\n\n![p99 vs backlog size](")
        .append(P99_PNG)
        .append(")\n\n")
        .append(
            "Four workers drain the 500 ready cards of a backlog whose other cards are done, round after round"
                + " (the drained cards are reset to ready between rounds, so the size stays put).\n\n")
        .append(
            "| backlog | cards/s | claim p50 | claim p99 | p99 / p99 at 1,000 | claims sampled | commits per card |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    Optional<Measurement> k1 = r.find("pg.size.1000");
    for (Measurement s : r.measurements()) {
      if (!s.group().equals("backlog-size")) {
        continue;
      }
      md.append("| ")
          .append(s.backlog())
          .append(" | ")
          .append(rate(s))
          .append(" | ")
          .append(Targets.us(s.claimP50Micros()))
          .append(" | ")
          .append(Targets.us(s.claimP99Micros()))
          .append(" | ")
          .append(k1.map(o -> Targets.x(s.claimP99Micros() / o.claimP99Micros())).orElse("—"))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%,d", s.claims()))
          .append(" | ")
          .append(commits(s))
          .append(" |\n");
    }

    md.append("\n## Baseline: the reference project's claim (seed 003)\n\n")
        .append(
            "Its table (dependencies as a jsonb array) and its claim statement (`NOT EXISTS` over the array"
                + " against the ids of done cards, `FOR UPDATE SKIP LOCKED`), against ours on the same data: ")
        .append(r.find("pg.base.ours").map(Measurement::backlog).orElse("—"))
        .append(".\n\n")
        .append(
            "| system | workers | cards/s | claim p50 / p99 | seed 003 / ours, claim p50 | ours / seed 003,"
                + " cards/s | commits per card |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    Optional<Measurement> bo = r.find("pg.base.ours");
    Optional<Measurement> bs = r.find("pg.base.seed003");
    for (Optional<Measurement> row : List.of(bo, bs)) {
      row.ifPresent(
          x ->
              md.append("| ")
                  .append(x.system())
                  .append(" | ")
                  .append(x.workers())
                  .append(" | ")
                  .append(rate(x))
                  .append(" | ")
                  .append(lat(x))
                  .append(" | ")
                  .append(
                      bo.isPresent() && bs.isPresent()
                          ? Targets.x(bs.get().claimP50Micros() / bo.get().claimP50Micros())
                          : "—")
                  .append(" | ")
                  .append(
                      bo.isPresent() && bs.isPresent()
                          ? Targets.x(bo.get().cardsPerSecond() / bs.get().cardsPerSecond())
                          : "—")
                  .append(" | ")
                  .append(commits(x))
                  .append(" |\n"));
    }

    md.append(
            "\n## DAG shapes\n\nFour workers, single-card claims. Shapes of up to 1,001 cards are created through"
                + " the library and drained to the end; the two large ones run for a fixed time, in rotated rounds on a backlog each.\n\n")
        .append(
            "| shape | cards done | seconds | cards/s | vs DAG-free | claim p50 / p99 | commits per card |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    Optional<Measurement> free = r.find("pg.dag.free");
    for (Measurement d : r.measurements()) {
      if (!d.group().equals("dag")) {
        continue;
      }
      md.append("| ")
          .append(d.backlog())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%,d", d.cards()))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.2f", d.seconds()))
          .append(" | ")
          .append(rate(d))
          .append(" | ")
          .append(free.map(f -> Targets.pct(d.cardsPerSecond() / f.cardsPerSecond())).orElse("—"))
          .append(" | ")
          .append(lat(d))
          .append(" | ")
          .append(commits(d))
          .append(" |\n");
    }

    md.append(
            "\n## Peer: db-scheduler\n\nThe same number of work items burnt down by four workers: ready cards"
                + " for ours, due no-op one-time tasks for db-scheduler (lock-and-fetch polling).\n\n")
        .append("| system | items | seconds | items/s | ours / peer | commits per item |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    Optional<Measurement> po = r.find("pg.peer.ours");
    Optional<Measurement> pd = r.find("pg.peer.dbscheduler");
    for (Optional<Measurement> row : List.of(po, pd)) {
      row.ifPresent(
          x ->
              md.append("| ")
                  .append(x.system())
                  .append(" | ")
                  .append(String.format(Locale.ROOT, "%,d", x.cards()))
                  .append(" | ")
                  .append(String.format(Locale.ROOT, "%.2f", x.seconds()))
                  .append(" | ")
                  .append(rate(x))
                  .append(" | ")
                  .append(
                      po.isPresent() && pd.isPresent() && pd.get().cardsPerSecond() > 0
                          ? Targets.x(po.get().cardsPerSecond() / pd.get().cardsPerSecond())
                          : "—")
                  .append(" | ")
                  .append(commits(x))
                  .append(" |\n"));
    }

    FleetReport.section(md, r);

    md.append("\n## CLI\n\n");
    CliTiming.Result cli = r.cli();
    if (cli.status().equals("measured")) {
      md.append(
          String.format(
              Locale.ROOT,
              "`%s`: median **%.3f s** (%.2f× the 0.5 s limit) over %d runs after two"
                  + " warm-up runs, on an H2 file holding a few dozen cards. Runs (s): %s.%s%n",
              cli.command(),
              cli.medianSeconds(),
              cli.medianSeconds() / Targets.CLI_LIMIT_SECONDS,
              cli.runsSeconds().size(),
              cli.runsSeconds().stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList(),
              cli.reason().isEmpty() ? "" : " " + cli.reason()));
    } else {
      md.append("Not measured: ").append(cli.reason()).append("\n");
    }

    http(md, r);

    md.append("\n## How it is measured\n\n")
        .append(
            "- **Ours**: `Backlog.claim` then `Backlog.complete` on a `JdbcBacklogStore` (HikariCP pool of"
                + " workers + 2), each call its own transaction, on PostgreSQL one statement committed"
                + " with it (auto-commit); with batches, one claim and one transaction"
                + " completing the batch. Each worker is a thread; the backlog sweeps lapsed leases once a second as"
                + " it does by default. Every scenario gets a fresh schema, a warm-up run on a separate `Backlog`,"
                + " then the measured run; against the ceiling, one `Backlog` serves the warm-up and every round."
                + " Measurements on a pool of ready cards without dependencies (against the ceiling, in"
                + " batches, on H2, over HTTP) run in rounds with the pool refilled to its size through the"
                + " library before each, outside the rounds' time; in those and in the fleet's rotated"
                + " rounds, a round in which a worker found nothing to claim fails the run.\n")
        .append(
            "- **Ceiling**: one plain JDBC connection per worker (no pool, no library) running the store's own"
                + " claim statement and a single fenced completion `UPDATE`, each committed with its statement"
                + " (auto-commit): the least work the"
                + " same claim and complete can do. It writes no events and keeps no dependency counters. Ours and"
                + " the ceiling run on one and the same backlog in alternating rounds (ours, ceiling, ceiling, ours,"
                + " …), after a warm-up of each; both keep their connections from the warm-up through every round,"
                + " and each system's figures are the sums over its rounds.\n")
        .append(
            "- **Minimal pair**: one plain JDBC connection per worker on a table of its own (id, status,"
                + " priority, creation time, lease owner, token and expiry; a primary key and a partial index"
                + " on the ready rows): a one-row `FOR UPDATE SKIP LOCKED` claim and a completion `UPDATE`"
                + " fenced by token and expiry, each committed with its statement (auto-commit, JDBC's default)."
                + " It is what a bare single-card work queue costs"
                + " on the same server, where the ceiling runs the store's heavier statements on the store's"
                + " schema. The fleet comparison runs it, the ceiling and ours (coalescing off and on, and"
                + " batches of 16) in rotated rounds, each on a schema of its own, and db-scheduler after"
                + " them for as long as one system's rounds take.\n")
        .append(
            "- **Claim latency**: the wall time of the claim call (statement and commit), sampled for every"
                + " claim that returned work; percentiles by nearest rank over the sorted samples.\n")
        .append(
            "- **Commits per card**: on PostgreSQL the growth of `pg_stat_database.xact_commit` over the"
                + " measured run divided by the cards done (it counts every committed transaction, read-only ones"
                + " and the lease sweeps included); on H2, and for ours and the ceiling in their alternating rounds"
                + " (where PostgreSQL's counters, which each connection sends only when it next ends a transaction, would"
                + " mix the two systems), the transactions the workers issued, empty claims included.\n")
        .append(
            "- **Large backlogs** are bulk-loaded (`COPY` on PostgreSQL, batched inserts on H2) straight into"
                + " the store's tables with each card's `unmet_deps` set to its dependencies that are not done; the"
                + " store's recount checks the counters of the DAG scenarios before they run. Bulk-loaded cards have"
                + " no `created` events.\n");
    for (String note : r.notes()) {
      md.append("- ").append(note).append('\n');
    }
    return md.toString();
  }

  private static Optional<Measurement> first(Results r, String group) {
    return r.measurements().stream().filter(m -> m.group().equals(group)).findFirst();
  }

  private static String ratio(Target t) {
    if (Double.isNaN(t.measured())) {
      return "—";
    }
    // A value that misses its goal by less than the rounding shows a third decimal, so it never
    // reads as the goal.
    java.util.regex.Matcher goal =
        java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)?").matcher(t.goal());
    boolean close =
        !t.status().equals("met")
            && goal.find()
            && String.format(Locale.ROOT, "%.2f", t.measured())
                .equals(String.format(Locale.ROOT, "%.2f", Double.parseDouble(goal.group())));
    if (t.goal().contains("%") || t.goal().startsWith("≥ 0.")) {
      return close
          ? String.format(Locale.ROOT, "%.3f (%.1f %%)", t.measured(), t.measured() * 100)
          : String.format(Locale.ROOT, "%.2f (%s)", t.measured(), Targets.pct(t.measured()));
    }
    return String.format(Locale.ROOT, close ? "%.3f×" : "%.2f×", t.measured());
  }

  private static String rate(Measurement m) {
    return String.format(Locale.ROOT, "%,.0f", m.cardsPerSecond());
  }

  private static String lat(Measurement m) {
    return m.claims() == 0
        ? "—"
        : Targets.us(m.claimP50Micros()) + " / " + Targets.us(m.claimP99Micros());
  }

  /** The targets as a table. */
  static void targets(StringBuilder md, List<Target> targets) {
    md.append("| target | goal | measured | status | basis | reason or remark |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (Target t : targets) {
      String status =
          t.status().equals("met")
              ? "**met**"
              : t.status().equals("not met") ? "**not met**" : "not measured";
      String reason = t.status().equals("not met") ? "Likely reason: " + t.reason() : t.reason();
      md.append("| ")
          .append(t.name())
          .append(" | ")
          .append(t.goal())
          .append(" | ")
          .append(ratio(t))
          .append(" | ")
          .append(status)
          .append(" | ")
          .append(t.basis())
          .append(" | ")
          .append(reason)
          .append(" |\n");
    }
  }

  private static String commits(Measurement m) {
    return m.commitsPerCard() < 0 ? "—" : String.format(Locale.ROOT, "%.2f", m.commitsPerCard());
  }

  /** The HTTP section: the server against the library in-process, and the event stream's delay. */
  private static void http(StringBuilder md, Results r) {
    List<Measurement> runs =
        r.measurements().stream()
            .filter(m -> m.group().equals("http") || m.group().equals("http-stream"))
            .toList();
    if (runs.isEmpty()) {
      return;
    }
    md.append("\n## HTTP (`backlog serve`)\n\n")
        .append(
            "16 clients claim and complete single cards through the HTTP API (`POST /api/claims`,"
                + " `POST /api/cards/{id}/complete`, each client one blocking HTTP/1.1 keep-alive connection"
                + " on loopback) against the same work"
                + " through the library in the server's process, on one backlog in alternating rounds"
                + " after both have run in turn until the JIT compiler is quiet (the notes give how"
                + " long); meanwhile one client follows `GET /api/events/stream` and records each event's"
                + " delay from its commit timestamp to its arrival.\n\n")
        .append("| database | system | cards/s | claim p50 / p99 | note |\n")
        .append("| --- | --- | --- | --- | --- |\n");
    for (Measurement m : runs) {
      boolean stream = m.group().equals("http-stream");
      md.append("| ")
          .append(m.database())
          .append(" | ")
          .append(
              stream
                  ? "event stream (delivery delay)"
                  : m.system().equals("ours-http") ? "HTTP, 16 clients" : "in-process, 16 workers")
          .append(" | ")
          .append(
              stream
                  ? m.cards() + " events"
                  : String.format(Locale.ROOT, "%,.0f", m.cardsPerSecond()))
          .append(" | ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%.2f ms / %.2f ms",
                  m.claimP50Micros() / 1e3,
                  m.claimP99Micros() / 1e3))
          .append(" | ")
          .append(m.note().replace("|", "\\|"))
          .append(" |\n");
    }
  }
}
