package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.SMALL_DONE;
import static dev.backlog.benchmarks.internal.ScenarioSteps.analyze;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.loadMigrated;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;

import dev.backlog.core.Backlog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The throughput scenarios on PostgreSQL: our store against the raw-JDBC ceiling in alternating
 * rounds, per worker count, and batch claims.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class ThroughputScenarios {

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;

  ThroughputScenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
    this.pg = steps.pg();
  }

  /** Ours against the raw-JDBC ceiling for each worker count, then batch claims. */
  void run() throws Exception {
    pgThroughput();
    pgBatches();
  }

  private void pgThroughput() throws Exception {
    int pool = options.full() ? 60_000 : 16_000;
    String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
    for (int w : options.workerCounts()) {
      againstCeiling(w, pool, backlog);
    }
  }

  /** Rounds per system in the ours-against-ceiling comparison. */
  static final int PAIRED_ROUNDS = 4;

  /**
   * Ours and the raw-JDBC ceiling on one and the same backlog, in alternating rounds (ours,
   * ceiling, ceiling, ours, …), so that both see the same table, the same dead rows and the same
   * moments of the machine's load. Both are warmed first, and both keep their connections from the
   * warm-up through every round: the store's pool and its prepared statements, and the ceiling's
   * plain connections, are warm when the clock runs. Each system's figures are the sums over its
   * rounds.
   */
  private void againstCeiling(int workers, int pool, String backlog) throws Exception {
    String oursId = "pg.ours.w" + workers + ".b1";
    String ceilingId = "pg.ceiling.w" + workers;
    progress.accept(oursId + " and " + ceilingId + " (alternating rounds on one backlog)");
    String url = pg.freshSchema("pair_w" + workers);
    List<LoadDriver.Worker> ceilingWorkers = new ArrayList<>();
    try {
      loadMigrated(url, l -> doneAndReady(l, SMALL_DONE, pool, 0));
      analyze(url);
      for (int i = 0; i < workers; i++) {
        ceilingWorkers.add(Workers.ceiling(url, "c" + i));
      }
      LoadDriver.WorkerFactory ceiling = i -> keptOpen(ceilingWorkers.get(i));
      Duration round = options.scenarioTime().dividedBy(PAIRED_ROUNDS);
      Tally ours = new Tally();
      Tally raw = new Tally();
      try (Backlog backlog2 = openBacklog(url, workers)) {
        LoadDriver.WorkerFactory library = i -> Workers.ours(backlog2, "w" + i, 1);
        // Both systems claim from this pool; it is refilled before every round, outside its time.
        ReadyPool ready = new ReadyPool(backlog2, pool, "P");
        LoadDriver.run(workers, steps.warmup(), library);
        LoadDriver.run(workers, steps.warmup(), ceiling);
        for (int r = 0; r < PAIRED_ROUNDS; r++) {
          boolean oursFirst = r % 2 == 0;
          String which = ", round " + (r + 1);
          ready.topUp();
          (oursFirst ? ours : raw)
              .round(
                  workers,
                  round,
                  oursFirst ? library : ceiling,
                  (oursFirst ? oursId : ceilingId) + which);
          ready.topUp();
          (oursFirst ? raw : ours)
              .round(
                  workers,
                  round,
                  oursFirst ? ceiling : library,
                  (oursFirst ? ceilingId : oursId) + which);
        }
      }
      String rounds =
          PAIRED_ROUNDS
              + " rounds of "
              + round.toMillis()
              + " ms, alternating with the "
              + "%s on the same backlog";
      steps.add(
          ours.measurement(
              oursId, "ours", workers, backlog, String.format(Locale.ROOT, rounds, "ceiling")));
      steps.add(
          raw.measurement(
              ceilingId,
              "ceiling",
              workers,
              backlog,
              "raw JDBC in auto-commit: the store's claim statement and one"
                  + " fenced completion UPDATE, each committed with its statement; "
                  + String.format(Locale.ROOT, rounds, "store")));
    } finally {
      for (LoadDriver.Worker w : ceilingWorkers) {
        w.close();
      }
      pg.dropSchema(url);
    }
  }

  /**
   * A worker whose connection outlives one run: closing it is left to its owner; it counts this
   * run's transactions.
   */
  private static LoadDriver.Worker keptOpen(LoadDriver.Worker inner) {
    long before = inner.transactions();
    return new LoadDriver.Worker() {
      @Override
      public int step(Latencies claimLatencies) throws Exception {
        return inner.step(claimLatencies);
      }

      @Override
      public long transactions() {
        return inner.transactions() - before;
      }
    };
  }

  /** One system's sums over the rounds of {@link #againstCeiling}. */
  private final class Tally {
    private long cards;
    private double seconds;
    private long commits;
    private final Latencies latencies = new Latencies();

    /**
     * Runs one round. Commits are the transactions the workers issued: PostgreSQL's counters are
     * sent by each connection only when it next ends a transaction, so in alternating rounds they
     * would mix the systems.
     */
    void round(int workers, Duration time, LoadDriver.WorkerFactory factory, String what)
        throws Exception {
      LoadDriver.Run run = LoadDriver.run(workers, time, factory).requireWork(what);
      if (run.transactions() < 0) {
        throw new IllegalStateException(
            "a worker of the ceiling comparison does not count its transactions");
      }
      commits += run.transactions();
      cards += run.cards();
      seconds += run.seconds();
      latencies.addAll(run.latencies());
    }

    Measurement measurement(String id, String system, int workers, String backlog, String note) {
      return new Measurement(
          id,
          "throughput",
          system,
          "PostgreSQL",
          workers,
          1,
          backlog,
          cards,
          seconds,
          seconds <= 0 ? 0 : cards / seconds,
          latencies.percentile(50) / 1e3,
          latencies.percentile(99) / 1e3,
          latencies.size(),
          commits / (double) Math.max(1, cards),
          note);
    }
  }

  private void pgBatches() throws Exception {
    // Each batch size on a pool of its own, refilled before each of its rounds; a round must not
    // empty it (16 workers in claims of 64 did about 25,000 cards/s on a fast machine).
    int pool = options.full() ? 100_000 : 40_000;
    String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
    for (int w : options.full() ? List.of(1, 4, 16) : List.of(4)) {
      for (int b : List.of(16, 64)) {
        steps.ours(
            "pg.ours.w" + w + ".b" + b,
            "batch",
            w,
            b,
            backlog,
            l -> doneAndReady(l, SMALL_DONE, pool, 0),
            pool);
      }
    }
  }
}
