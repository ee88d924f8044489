package dev.backlog.benchmarks.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CoalescingStats;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What the scenario families of a {@link Suite} run share: the options, the progress sink, the
 * PostgreSQL server, the measurements and notes recorded so far, and the common steps (opening
 * stores, bulk loading, the load–warm-up–measure scenario of our store).
 *
 * <p>Not thread-safe: one run at a time.
 */
final class ScenarioSteps {

  /** When the bulk-loaded cards were created; ids order them in claim order. */
  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  /** Done cards behind the throughput scenarios' ready pool. */
  static final int SMALL_DONE = 1_000;

  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;
  private final List<Measurement> measurements;
  private final List<String> notes;

  /** Steps recording into {@code measurements} and {@code notes}. */
  ScenarioSteps(
      Options options,
      Consumer<String> progress,
      PgServer pg,
      List<Measurement> measurements,
      List<String> notes) {
    this.options = options;
    this.progress = progress;
    this.pg = pg;
    this.measurements = measurements;
    this.notes = notes;
  }

  Options options() {
    return options;
  }

  Consumer<String> progress() {
    return progress;
  }

  PgServer pg() {
    return pg;
  }

  /** Adds a note to the results. */
  void note(String note) {
    notes.add(note);
  }

  /** Fills a fresh schema with a scenario's cards. */
  @FunctionalInterface
  interface Loader {
    void load(BulkLoader loader) throws SQLException;
  }

  /** Our store on PostgreSQL: load, warm up on one backlog instance, measure on a fresh one. */
  void ours(String id, String group, int workers, int batch, String backlog, Loader loader)
      throws Exception {
    ours(id, group, workers, batch, backlog, loader, null);
  }

  /**
   * Like {@link #ours(String, String, int, int, String, Loader)}; when {@code refill} is not null,
   * the measurement runs in {@link RefilledRounds}, the ready cards refilled to {@code refill}
   * (cards without dependencies, so only for a pool of such cards) before each round.
   */
  void ours(
      String id,
      String group,
      int workers,
      int batch,
      String backlog,
      Loader loader,
      Integer refill)
      throws Exception {
    progress.accept(id);
    String url = pg.freshSchema(id.replace('.', '_'));
    try {
      loadMigrated(url, loader);
      analyze(url);
      if (!group.equals("peer")) {
        // The peer comparison drains a fixed number of cards, so it runs without a warm-up of its
        // own.
        try (Backlog warm = openBacklog(url, workers)) {
          LoadDriver.run(workers, warmup(), i -> Workers.ours(warm, "w" + i, batch));
        }
      }
      long c0 = pg.commits();
      LoadDriver.Run run;
      Duration limit =
          group.equals("peer")
              ? Duration.ofSeconds(options.full() ? 180 : 60)
              : options.scenarioTime();
      boolean refilled = refill != null;
      try (Backlog measured = openBacklog(url, workers)) {
        LoadDriver.WorkerFactory factory = i -> Workers.ours(measured, "w" + i, batch);
        run =
            refilled
                ? RefilledRounds.run(
                    workers, limit, new ReadyPool(measured, refill, "P"), factory, id)
                : LoadDriver.run(workers, limit, factory);
      }
      long c1 = pg.commits();
      add(
          measure(
              id,
              group,
              "ours",
              "PostgreSQL",
              workers,
              batch,
              backlog,
              run,
              // The refills' commits are the server's too: count the workers' own.
              refilled ? workerCommits(run) : (c1 - c0) / (double) Math.max(1, run.cards()),
              refilled
                  ? RefilledRounds.ROUNDS
                      + " rounds, the pool refilled to its size before each; commits counted by the"
                      + " workers"
                  : ""));
    } finally {
      pg.dropSchema(url);
    }
  }

  Duration warmup() {
    return options.full() ? Duration.ofMillis(1_500) : Duration.ofMillis(600);
  }

  /**
   * Bulk-loads a backlog at {@code url} into the store's schema: opens the store (which migrates
   * the schema the loader fills), loads with the store open beside it, and closes the store.
   */
  static void loadMigrated(String url, Loader loader) throws SQLException {
    JdbcBacklogStore store = openStore(url, 1);
    try {
      load(url, loader);
    } finally {
      store.close();
    }
  }

  static JdbcBacklogStore openStore(String url, int workers) {
    return JdbcBacklogStore.builder().url(url).maxPoolSize(workers + 2).build();
  }

  static Backlog openBacklog(String url, int workers) {
    return Backlog.builder().store(openStore(url, workers)).build();
  }

  /** A backlog with coalescing on or off, on a store with a pool for {@code workers}. */
  static Backlog openBacklog(String url, int workers, boolean coalescing) {
    return Backlog.builder().store(openStore(url, workers)).coalescing(coalescing).build();
  }

  static void load(String url, Loader loader) throws SQLException {
    boolean postgres = url.startsWith("jdbc:postgresql:");
    try (Connection c = java.sql.DriverManager.getConnection(url);
        BulkLoader l = new BulkLoader(c, postgres)) {
      loader.load(l);
    }
  }

  static void analyze(String url) throws SQLException {
    sql(url, "ANALYZE");
  }

  static void sql(String url, String statement) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /**
   * {@code done} done cards {@code D…}, then {@code ready} ready cards {@code R…} each depending on
   * {@code deps} done cards.
   */
  static void doneAndReady(BulkLoader l, int done, int ready, int deps) throws SQLException {
    for (int i = 0; i < done; i++) {
      l.card(Workers.id("D", i), "done", EPOCH.plusMillis(i), 0);
    }
    Random random = new Random(7);
    Instant readyFrom = EPOCH.plusSeconds(1_000_000);
    for (int i = 0; i < ready; i++) {
      String id = Workers.id("R", i);
      l.card(id, "ready", readyFrom.plusMillis(i), 0);
      if (deps > 0) {
        for (String dep : Workers.someDone(random, done, deps)) {
          l.edge(id, dep);
        }
      }
    }
  }

  /** The transactions the workers issued per card, or -1 when they cannot count them. */
  static double workerCommits(LoadDriver.Run run) {
    return run.transactions() < 0 ? -1 : run.transactions() / (double) Math.max(1, run.cards());
  }

  /** Store transactions per card of a coalescing backlog's calls between two snapshots. */
  static double commitsPerCard(CoalescingStats before, CoalescingStats after, long cards) {
    long transactions =
        after.claims().transactions()
            - before.claims().transactions()
            + after.completions().transactions()
            - before.completions().transactions();
    return transactions / (double) Math.max(1, cards);
  }

  static Measurement measure(
      String id,
      String group,
      String system,
      String database,
      int workers,
      int batch,
      String backlog,
      LoadDriver.Run run,
      double commitsPerCard,
      String note) {
    return new Measurement(
        id,
        group,
        system,
        database,
        workers,
        batch,
        backlog,
        run.cards(),
        run.seconds(),
        run.rate(),
        run.latencies().percentile(50) / 1e3,
        run.latencies().percentile(99) / 1e3,
        run.latencies().size(),
        commitsPerCard,
        note);
  }

  void add(Measurement m) {
    measurements.add(m);
    progress.accept(
        String.format(
            Locale.ROOT,
            "  %-22s %9.1f cards/s  p50 %8.0f µs  p99 %8.0f µs  %5.2f commits/card",
            m.id(),
            m.cardsPerSecond(),
            m.claimP50Micros(),
            m.claimP99Micros(),
            m.commitsPerCard()));
  }

  static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
