package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.EPOCH;
import static dev.backlog.benchmarks.internal.ScenarioSteps.analyze;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.load;
import static dev.backlog.benchmarks.internal.ScenarioSteps.measure;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The scenarios that compare our store with other systems on PostgreSQL: the reference project's
 * table and claim query (seed-003), and db-scheduler as a peer.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class ComparisonScenarios {

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;

  ComparisonScenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
    this.pg = steps.pg();
  }

  /** The reference project's claim query (seed-003) against ours on the same backlog. */
  void baseline() throws Exception {
    int done = 100_000;
    // Ready cards with dependencies cannot be refilled as the plain pools are: large enough that
    // ours (about 2,400 cards/s at 4 workers on a fast machine) does not empty it.
    int pool = options.full() ? 40_000 : 20_000;
    int workers = 4;
    String backlog =
        fmt(done) + " done + " + fmt(pool) + " ready, each ready card depending on 3 done cards";
    steps.ours(
        "pg.base.ours", "baseline", workers, 1, backlog, l -> doneAndReady(l, done, pool, 3));
    String id = "pg.base.seed003";
    progress.accept(id);
    String url = pg.freshSchema("seed003");
    try {
      try (Connection c = PgServer.connect(url)) {
        Scripts.run(c, "seed-003-postgresql.sql");
      }
      load(
          url,
          l -> {
            Random random = new Random(3);
            for (int i = 0; i < done; i++) {
              l.seedRow(Workers.id("D", i), "done", List.of(), EPOCH.plusMillis(i));
            }
            for (int i = 0; i < pool; i++) {
              l.seedRow(
                  Workers.id("R", i),
                  "ready",
                  Workers.someDone(random, done, 3),
                  EPOCH.plusSeconds(1_000_000).plusMillis(i));
            }
          });
      analyze(url);
      LoadDriver.run(workers, steps.warmup(), i -> Workers.seed003(url, "w" + i));
      long c0 = pg.commits();
      LoadDriver.Run run =
          LoadDriver.run(workers, options.scenarioTime(), i -> Workers.seed003(url, "w" + i));
      long c1 = pg.commits();
      steps.add(
          measure(
              id,
              "baseline",
              "seed-003",
              "PostgreSQL",
              workers,
              1,
              backlog,
              run,
              (c1 - c0) / (double) Math.max(1, run.cards()),
              "the reference project's table and claim query"));
    } finally {
      pg.dropSchema(url);
    }
  }

  /** db-scheduler against ours, each draining the same number of tasks. */
  void peer() throws Exception {
    int tasks = options.full() ? 2_000 : 500;
    int workers = 4;
    steps.ours(
        "pg.peer.ours",
        "peer",
        workers,
        1,
        fmt(tasks) + " ready cards, drained",
        l -> doneAndReady(l, 0, tasks, 0));
    String id = "pg.peer.dbscheduler";
    progress.accept(id);
    String url = pg.freshSchema("dbscheduler");
    try {
      DbSchedulerPeer.Outcome peer =
          DbSchedulerPeer.run(
              url, tasks, workers, Duration.ofSeconds(options.full() ? 180 : 60), pg::commits);
      steps.add(
          measure(
              id,
              "peer",
              "db-scheduler",
              "PostgreSQL",
              workers,
              1,
              fmt(tasks) + " due no-op one-time tasks," + " drained",
              peer.run(),
              peer.commitsPerTask(),
              "lock-and-fetch polling (0.5–1.0 × threads), 100 ms polling interval; tasks scheduled before the clock starts"));
    } finally {
      pg.dropSchema(url);
    }
  }
}
