package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.SMALL_DONE;
import static dev.backlog.benchmarks.internal.ScenarioSteps.analyze;
import static dev.backlog.benchmarks.internal.ScenarioSteps.commitsPerCard;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.loadMigrated;
import static dev.backlog.benchmarks.internal.ScenarioSteps.measure;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;
import static dev.backlog.benchmarks.internal.ScenarioSteps.workerCommits;

import dev.backlog.core.Backlog;
import dev.backlog.core.CoalescingStats;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A fleet of single-card workers across worker counts, on PostgreSQL: ours with coalescing off and
 * on, ours batched (claims of 16 and completeAll), the store-statement ceiling and the minimal raw
 * single-card pair, all in rotated rounds, each on a schema of its own; then db-scheduler's
 * lock-and-fetch with as many threads, on its own table of the same server.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class FleetScenarios {

  /** The systems of the rotated rounds, by the suffix of their measurement ids. */
  static final List<String> SYSTEMS = List.of("off", "on", "b16", "ceiling", "minimal");

  /** The measurement id of a system at a worker count. */
  static String id(int workers, String system) {
    return "pg.fleet.w" + workers + "." + system;
  }

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;

  FleetScenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
    this.pg = steps.pg();
  }

  /** Every worker count: the rotated rounds, then db-scheduler. */
  void run() throws Exception {
    for (int w : options.fleetWorkerCounts()) {
      rounds(w);
      dbScheduler(w);
    }
  }

  private void rounds(int workers) throws Exception {
    // Enough that no system's warm-up and rounds empty its table on a fast machine (measured on
    // 2026-12-08: the minimal pair about 6,500 cards/s at 16 workers, batches of 16 about 8,000);
    // a round that empties one fails the run (LoadDriver.Run.requireWork).
    int pool = options.full() ? 200_000 : 40_000;
    int minimalPool = options.full() ? 150_000 : 40_000;
    progress.accept(
        "pg.fleet.w" + workers + ".* (" + String.join(", ", SYSTEMS) + ", rotated rounds)");
    // Every system claims from a table of its own, so that its claims walk only the index entries
    // of the cards it claimed itself (a claimed card's old entry stays until vacuum), as the
    // minimal pair's and db-scheduler's do.
    Map<String, String> urls = new LinkedHashMap<>();
    for (String system : SYSTEMS) {
      urls.put(system, pg.freshSchema("fleet_w" + workers + "_" + system));
    }
    List<LoadDriver.Worker> raw = new ArrayList<>();
    try {
      // Ours and the ceiling on the store's schema, the same cards in each; the minimal pair on its
      // own table.
      for (String system : List.of("off", "on", "b16", "ceiling")) {
        loadMigrated(urls.get(system), l -> doneAndReady(l, SMALL_DONE, pool, 0));
      }
      try (Connection c = PgServer.connect(urls.get("minimal"))) {
        Workers.minimalTable(c, minimalPool);
      }
      // ANALYZE with no table named analyzes every table of the database: all five schemas.
      analyze(urls.get("off"));
      for (int i = 0; i < workers; i++) {
        raw.add(Workers.ceiling(urls.get("ceiling"), "c" + i));
      }
      for (int i = 0; i < workers; i++) {
        raw.add(Workers.minimal(urls.get("minimal"), "m" + i));
      }
      RotatedRounds rr = new RotatedRounds();
      double onCommits;
      try (Backlog off = openBacklog(urls.get("off"), workers, false);
          Backlog on = openBacklog(urls.get("on"), workers, true);
          Backlog batched = openBacklog(urls.get("b16"), workers, true)) {
        rr.add("off", i -> Workers.ours(off, "off" + i, 1))
            .add("on", i -> Workers.ours(on, "on" + i, 1))
            .add("b16", i -> Workers.ours(batched, "b" + i, 16))
            .add("ceiling", i -> RotatedRounds.keptOpen(raw.get(i)))
            .add("minimal", i -> RotatedRounds.keptOpen(raw.get(workers + i)));
        rr.warm(workers, steps.warmup());
        CoalescingStats before = on.coalescingStats();
        rr.run(workers, options.rotatedRounds(), options.rotatedRound());
        onCommits = commitsPerCard(before, on.coalescingStats(), rr.total("on").cards());
      }
      String how =
          String.format(
              Locale.ROOT,
              "%d rotated rounds of %d ms with the other systems of this worker count, each on"
                  + " a table of its own",
              options.rotatedRounds(),
              options.rotatedRound().toMillis());
      String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
      add(
          rr,
          workers,
          "off",
          "ours, coalescing off",
          1,
          backlog,
          "Backlog.claim + complete; " + how,
          workerCommits(rr.total("off")));
      add(
          rr,
          workers,
          "on",
          "ours, coalescing on",
          1,
          backlog,
          "Backlog.claim + complete; commits per card from the backlog's coalescing statistics; "
              + how,
          onCommits);
      add(
          rr,
          workers,
          "b16",
          "ours, batches of 16",
          16,
          backlog,
          "claims of 16 + completeAll; " + how,
          workerCommits(rr.total("b16")));
      add(
          rr,
          workers,
          "ceiling",
          "ceiling",
          1,
          backlog,
          "raw JDBC in auto-commit: the store's claim statement and one fenced completion UPDATE; "
              + how,
          workerCommits(rr.total("ceiling")));
      add(
          rr,
          workers,
          "minimal",
          "minimal pair",
          1,
          fmt(minimalPool) + " ready rows of a minimal table",
          "raw JDBC in auto-commit on a minimal table: a one-row FOR UPDATE SKIP LOCKED claim and"
              + " a fenced completion UPDATE; "
              + how,
          workerCommits(rr.total("minimal")));
    } finally {
      for (LoadDriver.Worker w : raw) {
        w.close();
      }
      urls.values().forEach(pg::dropSchema);
    }
  }

  private void add(
      RotatedRounds rr,
      int workers,
      String key,
      String system,
      int batch,
      String backlog,
      String note,
      double commitsPerCard) {
    LoadDriver.Run run = rr.total(key);
    steps.add(
        measure(
            id(workers, key),
            "fleet",
            system,
            "PostgreSQL",
            workers,
            batch,
            backlog,
            run,
            commitsPerCard,
            note));
  }

  private void dbScheduler(int workers) throws Exception {
    String id = id(workers, "dbscheduler");
    progress.accept(id);
    String url = pg.freshSchema("fleet_dbs_w" + workers);
    Duration time = options.rotatedRound().multipliedBy(options.rotatedRounds());
    int tasks = options.full() ? 40_000 : 4_000;
    try {
      DbSchedulerPeer.Outcome peer = DbSchedulerPeer.run(url, tasks, workers, time, pg::commits);
      steps.add(
          measure(
              id,
              "fleet",
              "db-scheduler",
              "PostgreSQL",
              workers,
              1,
              fmt(tasks) + " due no-op one-time tasks",
              peer.run(),
              peer.commitsPerTask(),
              String.format(
                  Locale.ROOT,
                  "lock-and-fetch polling (0.5–1.0 × threads), %d threads; tasks executed in %d ms"
                      + " after start (scheduled before the clock starts)",
                  workers,
                  time.toMillis())));
    } finally {
      pg.dropSchema(url);
    }
  }
}
