package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.analyze;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.loadMigrated;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;
import static dev.backlog.benchmarks.internal.ScenarioSteps.sql;

import dev.backlog.core.Backlog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The backlog-size scenarios on PostgreSQL: how claim throughput holds up as done cards pile up
 * behind a fixed ready set.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class BacklogSizeScenarios {

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;

  BacklogSizeScenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
    this.pg = steps.pg();
  }

  /** Ready cards in each round of the backlog-size scenario. */
  static final int SIZE_ROUND = 500;

  /** One scenario per backlog size: 1,000 and 100,000 cards, and a million when asked for. */
  void run() throws Exception {
    List<Integer> sizes = new ArrayList<>(List.of(1_000, 100_000));
    if (options.million()) {
      sizes.add(1_000_000);
    }
    for (int size : sizes) {
      sizeScenario(size);
    }
  }

  /**
   * A backlog of {@code size} cards of which {@value #SIZE_ROUND} are ready and the rest done,
   * drained by 4 workers again and again (the drained cards are put back to ready after each round,
   * so the size stays put) until the scenario's time is up.
   */
  private void sizeScenario(int size) throws Exception {
    String id = "pg.size." + size;
    progress.accept(id);
    int workers = 4;
    String url = pg.freshSchema(id.replace('.', '_'));
    try {
      loadMigrated(url, l -> doneAndReady(l, size - SIZE_ROUND, SIZE_ROUND, 0));
      analyze(url);
      try (Backlog warm = openBacklog(url, workers)) {
        drainRounds(warm, url, workers, Duration.ofSeconds(1));
      }
      long c0 = pg.commits();
      Rounds r;
      try (Backlog backlog = openBacklog(url, workers)) {
        r = drainRounds(backlog, url, workers, options.scenarioTime().plusSeconds(2));
      }
      long c1 = pg.commits();
      steps.add(
          new Measurement(
              id,
              "backlog-size",
              "ours",
              "PostgreSQL",
              workers,
              1,
              fmt(size - SIZE_ROUND) + " done + " + fmt(SIZE_ROUND) + " ready",
              r.cards,
              r.seconds,
              r.cards / r.seconds,
              r.latencies.percentile(50) / 1e3,
              r.latencies.percentile(99) / 1e3,
              r.latencies.size(),
              (c1 - c0) / (double) Math.max(1, r.cards),
              r.rounds
                  + " rounds: each drains the "
                  + fmt(SIZE_ROUND)
                  + " ready cards, then they are reset to ready"));
    } finally {
      pg.dropSchema(url);
    }
  }

  private record Rounds(long cards, double seconds, Latencies latencies, int rounds) {}

  private Rounds drainRounds(Backlog backlog, String url, int workers, Duration total)
      throws Exception {
    long deadline = System.nanoTime() + total.toNanos();
    long cards = 0;
    double seconds = 0;
    int rounds = 0;
    Latencies latencies = new Latencies();
    while (System.nanoTime() < deadline) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      LoadDriver.Run run = LoadDriver.run(workers, left, i -> Workers.ours(backlog, "w" + i, 1));
      cards += run.cards();
      seconds += run.seconds();
      latencies.addAll(run.latencies());
      rounds++;
      sql(
          url,
          "UPDATE cards SET status = 'ready', attempts = 0, lease_owner = NULL, lease_token = NULL,"
              + " lease_claimed_at = NULL, lease_expires_at = NULL, version = version + 1 WHERE id LIKE 'R%'");
    }
    return new Rounds(cards, seconds, latencies, rounds);
  }
}
