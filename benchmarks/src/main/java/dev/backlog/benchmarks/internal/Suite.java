package dev.backlog.benchmarks.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs every scenario of one benchmark run, in a fixed order, and judges the targets.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class Suite {

  /** When the bulk-loaded cards were created; ids order them in claim order. */
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  /** Ready cards in each round of the backlog-size scenario. */
  static final int SIZE_ROUND = 500;
  /** Done cards behind the throughput scenarios' ready pool. */
  static final int SMALL_DONE = 1_000;

  private final Options options;
  private final Consumer<String> progress;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private PgServer pg;

  /** A suite for these options, reporting progress lines to {@code progress}. */
  public Suite(Options options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /** Runs everything and returns the results. */
  public Results run() throws Exception {
    long started = System.nanoTime();
    String startedAt = Instant.now().toString();
    double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    pg = options.externalPg().map(PgServer::external).orElseGet(PgServer::embedded);
    String pgVersion;
    List<Long> serverPids = pg.localServerPids();
    java.util.Optional<CpuShare> cpuBefore = CpuShare.snapshot(serverPids);
    java.util.Optional<CpuShare> cpuAfter;
    try {
      pgVersion = pg.version();
      notes.add("PostgreSQL: " + pg.describe() + ", version " + pgVersion + ".");
      jitWarmUp();
      pgThroughput();
      pgBatches();
      backlogSizes();
      baseline();
      dagShapes();
      peer();
      cpuAfter = CpuShare.snapshot(serverPids);
    } finally {
      pg.close();
    }
    h2Workers();
    double others = cpuBefore.isPresent() && cpuAfter.isPresent() ? cpuAfter.get().othersSince(cpuBefore.get()) : -1;
    if (others >= 0) {
      notes.add(String.format(Locale.ROOT, "Other programs used %.0f %% of the machine's CPU time while the"
          + " PostgreSQL scenarios ran (from /proc: all busy time minus this driver's and its PostgreSQL's).",
          others * 100));
    }
    progress.accept("timing the CLI");
    CliTiming.Result cli = CliTiming.measure(options.cliRoot(), options.full());
    double loadAfter = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    notes.add(String.format(Locale.ROOT, "System load average (1 minute) at the start %.1f, at the end %.1f, on %d"
        + " cores. Under load the scheduler shares the cores among all runnable threads, so runs with more"
        + " workers also get a larger share of the machine.", loadBefore, loadAfter,
        Runtime.getRuntime().availableProcessors()));
    Results partial = new Results(options.modeName(), startedAt, (System.nanoTime() - started) / 1e9,
        Machine.current(pgVersion), measurements, List.of(), cli, notes, loadBefore, loadAfter, others);
    return new Results(partial.mode(), startedAt, partial.wallSeconds(), partial.machine(), measurements,
        Targets.judge(partial, options), cli, notes, loadBefore, loadAfter, others);
  }

  // ---------------------------------------------------------------- scenarios

  /**
   * Runs the store's claim and complete paths for a while before anything is measured, so that the
   * first scenario does not pay for the JIT compiling the library's code (the ceiling has far less
   * code to compile). Nothing of it is recorded.
   */
  private void jitWarmUp() throws Exception {
    Duration least = options.full() ? Duration.ofSeconds(10) : Duration.ofSeconds(5);
    Duration most = options.full() ? Duration.ofSeconds(40) : Duration.ofSeconds(25);
    progress.accept("JIT warm-up (" + least.toSeconds() + " to " + most.toSeconds() + " s, until the compiler is"
        + " quiet; not measured)");
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    String url = pg.freshSchema("jit_warm_up");
    long start = System.nanoTime();
    int rounds = 0;
    long lastCompileMillis = -1;
    try {
      try (JdbcBacklogStore store = openStore(url, 2)) {
        load(url, l -> doneAndReady(l, 100, 80_000, 0));
        store.describe();
      }
      try (Backlog backlog = openBacklog(url, 2)) {
        while (true) {
          long compiled = timed ? jit.getTotalCompilationTime() : 0;
          int workers = rounds % 2 + 1;
          LoadDriver.run(workers, WARM_UP_ROUND, i -> Workers.ours(backlog, "w" + i, 1));
          rounds++;
          lastCompileMillis = timed ? jit.getTotalCompilationTime() - compiled : -1;
          Duration spent = Duration.ofNanos(System.nanoTime() - start);
          boolean quiet = timed && lastCompileMillis * 20 < WARM_UP_ROUND.toMillis();
          if (spent.compareTo(most) >= 0 || (spent.compareTo(least) >= 0 && (quiet || !timed))) {
            break;
          }
        }
      }
    } finally {
      pg.dropSchema(url);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    notes.add(String.format(Locale.ROOT, "A JIT warm-up on the store preceded the measurements: %.0f s, until the"
        + " compiler spent less than 5 %% of a round compiling (%s in the last round of %d ms); each scenario also"
        + " has its own short warm-up.", seconds, lastCompileMillis < 0 ? "not measurable"
        : lastCompileMillis + " ms", WARM_UP_ROUND.toMillis()));
  }

  /** One round of the JIT warm-up; the compiler's time is judged per round. */
  private static final Duration WARM_UP_ROUND = Duration.ofSeconds(1);

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
   * Ours and the raw-JDBC ceiling on one and the same backlog, in alternating rounds (ours, ceiling,
   * ceiling, ours, …), so that both see the same table, the same dead rows and the same moments of the
   * machine's load. Both are warmed first, and both keep their connections from the warm-up through every
   * round: the store's pool and its prepared statements, and the ceiling's plain connections, are warm
   * when the clock runs. Each system's figures are the sums over its rounds.
   */
  private void againstCeiling(int workers, int pool, String backlog) throws Exception {
    String oursId = "pg.ours.w" + workers + ".b1";
    String ceilingId = "pg.ceiling.w" + workers;
    progress.accept(oursId + " and " + ceilingId + " (alternating rounds on one backlog)");
    String url = pg.freshSchema("pair_w" + workers);
    List<LoadDriver.Worker> ceilingWorkers = new ArrayList<>();
    try {
      try (JdbcBacklogStore store = openStore(url, workers)) {
        load(url, l -> doneAndReady(l, SMALL_DONE, pool, 0));
        store.describe();
      }
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
        LoadDriver.run(workers, warmup(), library);
        LoadDriver.run(workers, warmup(), ceiling);
        for (int r = 0; r < PAIRED_ROUNDS; r++) {
          boolean oursFirst = r % 2 == 0;
          (oursFirst ? ours : raw).round(workers, round, oursFirst ? library : ceiling);
          (oursFirst ? raw : ours).round(workers, round, oursFirst ? ceiling : library);
        }
      }
      String rounds = PAIRED_ROUNDS + " rounds of " + round.toMillis() + " ms, alternating with the "
          + "%s on the same backlog";
      add(ours.measurement(oursId, "ours", workers, backlog, String.format(Locale.ROOT, rounds, "ceiling")));
      add(raw.measurement(ceilingId, "ceiling", workers, backlog, "raw JDBC: the store's claim statement and one"
          + " fenced completion UPDATE, each committed; " + String.format(Locale.ROOT, rounds, "store")));
    } finally {
      for (LoadDriver.Worker w : ceilingWorkers) {
        w.close();
      }
      pg.dropSchema(url);
    }
  }

  /** A worker whose connection outlives one run: closing it is left to its owner; it counts this run's transactions. */
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
     * Runs one round. Commits are the transactions the workers issued: PostgreSQL's counters are sent by each
     * connection only when it next ends a transaction, so in alternating rounds they would mix the systems.
     */
    void round(int workers, Duration time, LoadDriver.WorkerFactory factory) throws Exception {
      LoadDriver.Run run = LoadDriver.run(workers, time, factory);
      if (run.transactions() < 0) {
        throw new IllegalStateException("a worker of the ceiling comparison does not count its transactions");
      }
      commits += run.transactions();
      cards += run.cards();
      seconds += run.seconds();
      latencies.addAll(run.latencies());
    }

    Measurement measurement(String id, String system, int workers, String backlog, String note) {
      return new Measurement(id, "throughput", system, "PostgreSQL", workers, 1, backlog, cards, seconds,
          seconds <= 0 ? 0 : cards / seconds, latencies.percentile(50) / 1e3, latencies.percentile(99) / 1e3,
          latencies.size(), commits / (double) Math.max(1, cards), note);
    }
  }

  private void pgBatches() throws Exception {
    int pool = options.full() ? 60_000 : 20_000;
    String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
    for (int w : options.full() ? List.of(1, 4, 16) : List.of(4)) {
      for (int b : List.of(16, 64)) {
        ours("pg.ours.w" + w + ".b" + b, "batch", w, b, backlog, l -> doneAndReady(l, SMALL_DONE, pool, 0));
      }
    }
  }

  private void backlogSizes() throws Exception {
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
   * drained by 4 workers again and again (the drained cards are put back to ready after each
   * round, so the size stays put) until the scenario's time is up.
   */
  private void sizeScenario(int size) throws Exception {
    String id = "pg.size." + size;
    progress.accept(id);
    int workers = 4;
    String url = pg.freshSchema(id.replace('.', '_'));
    try {
      try (JdbcBacklogStore store = openStore(url, workers)) {
        load(url, l -> doneAndReady(l, size - SIZE_ROUND, SIZE_ROUND, 0));
        store.describe();
      }
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
      add(new Measurement(id, "backlog-size", "ours", "PostgreSQL", workers, 1,
          fmt(size - SIZE_ROUND) + " done + " + fmt(SIZE_ROUND) + " ready", r.cards, r.seconds, r.cards / r.seconds,
          r.latencies.percentile(50) / 1e3, r.latencies.percentile(99) / 1e3, r.latencies.size(),
          (c1 - c0) / (double) Math.max(1, r.cards), r.rounds + " rounds: each drains the " + fmt(SIZE_ROUND)
              + " ready cards, then they are reset to ready"));
    } finally {
      pg.dropSchema(url);
    }
  }

  private record Rounds(long cards, double seconds, Latencies latencies, int rounds) {
  }

  private Rounds drainRounds(Backlog backlog, String url, int workers, Duration total) throws Exception {
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
      sql(url, "UPDATE cards SET status = 'ready', attempts = 0, lease_owner = NULL, lease_token = NULL,"
          + " lease_claimed_at = NULL, lease_expires_at = NULL, version = version + 1 WHERE id LIKE 'R%'");
    }
    return new Rounds(cards, seconds, latencies, rounds);
  }

  private void baseline() throws Exception {
    int done = 100_000;
    int pool = options.full() ? 20_000 : 6_000;
    int workers = 4;
    String backlog = fmt(done) + " done + " + fmt(pool) + " ready, each ready card depending on 3 done cards";
    ours("pg.base.ours", "baseline", workers, 1, backlog, l -> doneAndReady(l, done, pool, 3));
    String id = "pg.base.seed003";
    progress.accept(id);
    String url = pg.freshSchema("seed003");
    try {
      try (Connection c = PgServer.connect(url)) {
        Scripts.run(c, "seed-003-postgresql.sql");
      }
      load(url, l -> {
        Random random = new Random(3);
        for (int i = 0; i < done; i++) {
          l.seedRow(Workers.id("D", i), "done", List.of(), EPOCH.plusMillis(i));
        }
        for (int i = 0; i < pool; i++) {
          l.seedRow(Workers.id("R", i), "ready", Workers.someDone(random, done, 3),
              EPOCH.plusSeconds(1_000_000).plusMillis(i));
        }
      });
      analyze(url);
      LoadDriver.run(workers, warmup(), i -> Workers.seed003(url, "w" + i));
      long c0 = pg.commits();
      LoadDriver.Run run = LoadDriver.run(workers, options.scenarioTime(), i -> Workers.seed003(url, "w" + i));
      long c1 = pg.commits();
      add(measure(id, "baseline", "seed-003", "PostgreSQL", workers, 1, backlog, run,
          (c1 - c0) / (double) Math.max(1, run.cards()), "the reference project's table and claim query"));
    } finally {
      pg.dropSchema(url);
    }
  }

  private void dagShapes() throws Exception {
    int workers = 4;
    dagDrain("pg.dag.chain100", "chain of 100 cards", workers, tx -> {
      for (int i = 0; i < 100; i++) {
        NewCard.Builder b = NewCard.builder(CardId.of(Workers.id("C", i))).title("chain " + i);
        if (i > 0) {
          b.dependsOn(Workers.id("C", i - 1));
        }
        tx.add(b.build());
      }
    });
    int fan = options.full() ? 1_000 : 200;
    dagDrain("pg.dag.fanout" + fan, "fan-out: 1 card, then " + fmt(fan) + " depending on it", workers, tx -> {
      tx.add(NewCard.builder(CardId.of("ROOT")).title("root").build());
      for (int i = 0; i < fan; i++) {
        tx.add(NewCard.builder(CardId.of(Workers.id("F", i))).title("leaf " + i).dependsOn("ROOT").build());
      }
    });
    dagDrain("pg.dag.fanin" + fan, "fan-in: " + fmt(fan) + " cards, then 1 depending on all", workers, tx -> {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < fan; i++) {
        all.add(Workers.id("P", i));
        tx.add(NewCard.builder(CardId.of(all.get(i))).title("part " + i).build());
      }
      tx.add(NewCard.builder(CardId.of("SINK")).title("sink").dependsOn(all).build());
    });
    int size = options.full() ? 100_000 : 20_000;
    ours("pg.dag.free", "dag", workers, 1, fmt(size) + " ready cards, no dependencies",
        l -> doneAndReady(l, 0, size, 0));
    ours("pg.dag.random", "dag", workers, 1, fmt(size) + " cards in a random DAG (mean in-degree 3)",
        l -> randomDag(l, size));
  }

  /** Takes the cards a shape is made of, in creation order. */
  @FunctionalInterface
  private interface Adder {
    void add(NewCard card);
  }

  private void dagDrain(String id, String shape, int workers, java.util.function.Consumer<Adder> plan)
      throws Exception {
    progress.accept(id);
    String url = pg.freshSchema(id.replace('.', '_'));
    try {
      List<NewCard> cards = new ArrayList<>();
      plan.accept(cards::add);
      try (Backlog backlog = openBacklog(url, workers)) {
        for (int i = 0; i < cards.size(); i += 200) {
          List<NewCard> chunk = cards.subList(i, Math.min(cards.size(), i + 200));
          backlog.inTransaction(tx -> {
            chunk.forEach(tx::create);
            return null;
          });
        }
      }
      long c0 = pg.commits();
      LoadDriver.Run run;
      AtomicLong remaining = new AtomicLong(cards.size());
      try (Backlog backlog = openBacklog(url, workers)) {
        run = LoadDriver.run(workers, Duration.ofSeconds(120), i -> untilAllDone(Workers.ours(backlog, "w" + i, 1),
            remaining));
      }
      long c1 = pg.commits();
      add(measure(id, "dag", "ours", "PostgreSQL", workers, 1, shape + " (created through the library)", run,
          (c1 - c0) / (double) Math.max(1, run.cards()), "drained until every card is done; idle workers"
              + " poll every millisecond, and their empty claims count as commits"
              + (remaining.get() > 0 ? "; " + remaining.get() + " cards were left when the 120 s limit hit" : "")));
    } finally {
      pg.dropSchema(url);
    }
  }

  /** Keeps a worker polling (every millisecond) while other cards are still to be done. */
  private static LoadDriver.Worker untilAllDone(LoadDriver.Worker inner, AtomicLong remaining) {
    return new LoadDriver.Worker() {
      @Override
      public int step(Latencies claimLatencies) throws Exception {
        if (remaining.get() <= 0) {
          return -1;
        }
        int n = inner.step(claimLatencies);
        if (n < 0) {
          Thread.sleep(1);
          return 0;
        }
        remaining.addAndGet(-n);
        return n;
      }

      @Override
      public void close() throws SQLException {
        inner.close();
      }
    };
  }

  private void peer() throws Exception {
    int tasks = options.full() ? 2_000 : 500;
    int workers = 4;
    ours("pg.peer.ours", "peer", workers, 1, fmt(tasks) + " ready cards, drained", l -> doneAndReady(l, 0, tasks, 0));
    String id = "pg.peer.dbscheduler";
    progress.accept(id);
    String url = pg.freshSchema("dbscheduler");
    try {
      DbSchedulerPeer.Outcome peer = DbSchedulerPeer.run(url, tasks, workers,
          Duration.ofSeconds(options.full() ? 180 : 60), pg::commits);
      add(measure(id, "peer", "db-scheduler", "PostgreSQL", workers, 1, fmt(tasks) + " due no-op one-time tasks,"
              + " drained", peer.run(), peer.commitsPerTask(),
          "lock-and-fetch polling (0.5–1.0 × threads), 100 ms polling interval; tasks scheduled before the clock starts"));
    } finally {
      pg.dropSchema(url);
    }
  }

  private void h2Workers() throws Exception {
    int pool = options.full() ? 100_000 : 40_000;
    String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
    Path dir = Files.createTempDirectory("backlog-bench-h2");
    try {
      for (int w : options.full() ? options.workerCounts() : List.of(1, 2, 4)) {
        String id = "h2.ours.w" + w;
        progress.accept(id);
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().toString().replace('\\', '/') + "/w" + w;
        try (JdbcBacklogStore store = openStore(url, w)) {
          load(url, l -> doneAndReady(l, SMALL_DONE, pool, 0));
          store.describe();
        }
        try (Backlog warm = openBacklog(url, w)) {
          LoadDriver.run(w, warmup(), i -> Workers.ours(warm, "w" + i, 1));
        }
        LoadDriver.Run run;
        try (Backlog backlog2 = openBacklog(url, w)) {
          run = LoadDriver.run(w, options.scenarioTime(), i -> Workers.ours(backlog2, "w" + i, 1));
        }
        add(measure(id, "h2", "ours", "H2", w, 1, backlog, run, run.transactions() / (double) Math.max(1, run.cards()),
            "embedded in-process H2 file; commits counted by the workers"));
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---------------------------------------------------------------- shared steps

  @FunctionalInterface
  private interface Loader {
    void load(BulkLoader loader) throws SQLException;
  }

  /** Our store on PostgreSQL: load, warm up on one backlog instance, measure on a fresh one. */
  private void ours(String id, String group, int workers, int batch, String backlog, Loader loader) throws Exception {
    progress.accept(id);
    String url = pg.freshSchema(id.replace('.', '_'));
    try {
      String note = "";
      try (JdbcBacklogStore store = openStore(url, workers)) {
        load(url, loader);
        if (group.equals("dag")) {
          int wrong = store.recount();
          if (wrong != 0) {
            throw new IllegalStateException("the bulk load left " + wrong + " wrong dependency counters in " + id);
          }
          note = "bulk-loaded; the store's recount found every dependency counter right";
        }
      }
      analyze(url);
      if (!group.equals("peer")) {
        // The peer comparison drains a fixed number of cards, so it runs without a warm-up of its own.
        try (Backlog warm = openBacklog(url, workers)) {
          LoadDriver.run(workers, warmup(), i -> Workers.ours(warm, "w" + i, batch));
        }
      }
      long c0 = pg.commits();
      LoadDriver.Run run;
      Duration limit = group.equals("peer") ? Duration.ofSeconds(options.full() ? 180 : 60) : options.scenarioTime();
      try (Backlog measured = openBacklog(url, workers)) {
        run = LoadDriver.run(workers, limit, i -> Workers.ours(measured, "w" + i, batch));
      }
      long c1 = pg.commits();
      add(measure(id, group, "ours", "PostgreSQL", workers, batch, backlog, run,
          (c1 - c0) / (double) Math.max(1, run.cards()), note));
    } finally {
      pg.dropSchema(url);
    }
  }

  private Duration warmup() {
    return options.full() ? Duration.ofMillis(1_500) : Duration.ofMillis(600);
  }

  private static JdbcBacklogStore openStore(String url, int workers) {
    return JdbcBacklogStore.builder().url(url).maxPoolSize(workers + 2).build();
  }

  private static Backlog openBacklog(String url, int workers) {
    return Backlog.builder().store(openStore(url, workers)).build();
  }

  private static void load(String url, Loader loader) throws SQLException {
    boolean postgres = url.startsWith("jdbc:postgresql:");
    try (Connection c = java.sql.DriverManager.getConnection(url); BulkLoader l = new BulkLoader(c, postgres)) {
      loader.load(l);
    }
  }

  private static void analyze(String url) throws SQLException {
    sql(url, "ANALYZE");
  }

  private static void sql(String url, String statement) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** {@code done} done cards {@code D…}, then {@code ready} ready cards {@code R…} each depending on {@code deps} done cards. */
  private static void doneAndReady(BulkLoader l, int done, int ready, int deps) throws SQLException {
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

  /**
   * {@code size} ready cards where card i depends on 0 to 6 (mean 3) distinct earlier cards drawn
   * uniformly; none is done yet, so each card's counter is its number of dependencies.
   */
  private static void randomDag(BulkLoader l, int size) throws SQLException {
    Random random = new Random(11);
    Instant from = EPOCH.plusSeconds(1_000_000);
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int k = Math.min(i, random.nextInt(7));
      java.util.Set<Integer> deps = new java.util.TreeSet<>();
      while (deps.size() < k) {
        deps.add(random.nextInt(i));
      }
      l.card(Workers.id("R", i), "ready", from.plusMillis(i), deps.size());
      for (int d : deps) {
        edges.add(new int[] {i, d});
      }
    }
    for (int[] e : edges) {
      l.edge(Workers.id("R", e[0]), Workers.id("R", e[1]));
    }
  }

  private static Measurement measure(String id, String group, String system, String database, int workers, int batch,
      String backlog, LoadDriver.Run run, double commitsPerCard, String note) {
    return new Measurement(id, group, system, database, workers, batch, backlog, run.cards(), run.seconds(),
        run.rate(), run.latencies().percentile(50) / 1e3, run.latencies().percentile(99) / 1e3,
        run.latencies().size(), commitsPerCard, note);
  }

  private void add(Measurement m) {
    measurements.add(m);
    progress.accept(String.format(Locale.ROOT, "  %-22s %9.1f cards/s  p50 %8.0f µs  p99 %8.0f µs  %5.2f commits/card",
        m.id(), m.cardsPerSecond(), m.claimP50Micros(), m.claimP99Micros(), m.commitsPerCard()));
  }

  static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
