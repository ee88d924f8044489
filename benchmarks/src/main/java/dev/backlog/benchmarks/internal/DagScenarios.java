package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.EPOCH;
import static dev.backlog.benchmarks.internal.ScenarioSteps.analyze;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.load;
import static dev.backlog.benchmarks.internal.ScenarioSteps.measure;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openStore;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.sql.Connection;
import java.sql.ResultSet;
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
 * The dependency scenarios on PostgreSQL: small shapes (chain, fan-out, fan-in) created through the
 * library and drained to the end, and large bulk-loaded DAGs.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class DagScenarios {

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;
  private final PgServer pg;

  DagScenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
    this.pg = steps.pg();
  }

  /** Chain, fan-out and fan-in shapes drained to the end, then free and random DAGs at scale. */
  void run() throws Exception {
    int workers = 4;
    dagDrain(
        "pg.dag.chain100",
        "chain of 100 cards",
        workers,
        tx -> {
          for (int i = 0; i < 100; i++) {
            NewCard.Builder b = NewCard.builder(CardId.of(Workers.id("C", i))).title("chain " + i);
            if (i > 0) {
              b.dependsOn(Workers.id("C", i - 1));
            }
            tx.add(b.build());
          }
        });
    int fan = options.full() ? 1_000 : 200;
    dagDrain(
        "pg.dag.fanout" + fan,
        "fan-out: 1 card, then " + fmt(fan) + " depending on it",
        workers,
        tx -> {
          tx.add(NewCard.builder(CardId.of("ROOT")).title("root").build());
          for (int i = 0; i < fan; i++) {
            tx.add(
                NewCard.builder(CardId.of(Workers.id("F", i)))
                    .title("leaf " + i)
                    .dependsOn("ROOT")
                    .build());
          }
        });
    dagDrain(
        "pg.dag.fanin" + fan,
        "fan-in: " + fmt(fan) + " cards, then 1 depending on all",
        workers,
        tx -> {
          List<String> all = new ArrayList<>();
          for (int i = 0; i < fan; i++) {
            all.add(Workers.id("P", i));
            tx.add(NewCard.builder(CardId.of(all.get(i))).title("part " + i).build());
          }
          tx.add(NewCard.builder(CardId.of("SINK")).title("sink").dependsOn(all).build());
        });
    freeAndRandom(workers, options.full() ? 100_000 : 20_000);
  }

  /**
   * The DAG-free backlog and the random DAG, each bulk-loaded into a schema of its own, in rotated
   * rounds (so that both see the same moments of the machine's load).
   */
  private void freeAndRandom(int workers, int size) throws Exception {
    progress.accept("pg.dag.free and pg.dag.random (rotated rounds)");
    String freeUrl = pg.freshSchema("pg_dag_free");
    String randomUrl = pg.freshSchema("pg_dag_random");
    try {
      loadChecked(freeUrl, workers, l -> doneAndReady(l, 0, size, 0));
      loadChecked(randomUrl, workers, l -> randomDag(l, size));
      RotatedRounds rr = new RotatedRounds(pg::commits);
      try (Backlog free = openBacklog(freeUrl, workers);
          Backlog random = openBacklog(randomUrl, workers)) {
        rr.add("free", i -> Workers.ours(free, "f" + i, 1))
            .add("random", i -> Workers.ours(random, "r" + i, 1));
        rr.warm(workers, steps.warmup());
        int rounds = options.rotatedRounds();
        Duration round = options.rotatedRound();
        rr.run(workers, rounds, round);
        steps.note(dependentsNote(randomUrl, size));
        String note =
            "bulk-loaded; the store's recount found every dependency counter right; "
                + rounds
                + " rotated rounds of "
                + round.toMillis()
                + " ms with the other backlog";
        for (String key : List.of("free", "random")) {
          steps.add(
              measure(
                  "pg.dag." + key,
                  "dag",
                  "ours",
                  "PostgreSQL",
                  workers,
                  1,
                  fmt(size)
                      + (key.equals("free")
                          ? " ready cards, no dependencies"
                          : " cards in a random DAG (mean in-degree 3)"),
                  rr.total(key),
                  rr.commitsPerCard(key),
                  note));
        }
      }
    } finally {
      pg.dropSchema(freeUrl);
      pg.dropSchema(randomUrl);
    }
  }

  /**
   * How many dependents the random DAG's completed cards had on average. Every card has three
   * dependencies on average, but a card's dependencies are drawn from all the cards before it, so
   * the oldest cards, which are claimed first, have the most dependents (card i of n about 3 ln(n /
   * i)): a completion in a run of a few seconds lowers more counters than three.
   */
  private static String dependentsNote(String url, int size) throws SQLException {
    try (Connection c = PgServer.connect(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT COUNT(*) FROM cards WHERE status = 'done'),"
                    + " (SELECT COUNT(*) FROM card_deps e JOIN cards d ON d.id = e.depends_on"
                    + " WHERE d.status = 'done'), (SELECT COUNT(*) FROM card_deps)")) {
      rs.next();
      long done = rs.getLong(1);
      long lowered = rs.getLong(2);
      long edges = rs.getLong(3);
      return String.format(
          Locale.ROOT,
          "Random DAG: the %,d cards completed in its rounds (warm-up included) had %.1f"
              + " dependents each on average, each counter lowered in the completion's statement; the"
              + " backlog's %,d cards have %.1f dependencies each on average, drawn from the cards"
              + " before them, so the oldest cards, claimed first, have the most dependents.",
          done,
          done == 0 ? 0.0 : lowered / (double) done,
          size,
          edges / (double) size);
    }
  }

  /** Bulk-loads a schema and checks that the store's recount finds every counter right. */
  private static void loadChecked(String url, int workers, ScenarioSteps.Loader loader)
      throws Exception {
    try (JdbcBacklogStore store = openStore(url, workers)) {
      load(url, loader);
      int wrong = store.recount();
      if (wrong != 0) {
        throw new IllegalStateException(
            "the bulk load left " + wrong + " wrong dependency counters in " + url);
      }
    }
    analyze(url);
  }

  /** Takes the cards a shape is made of, in creation order. */
  @FunctionalInterface
  private interface Adder {
    void add(NewCard card);
  }

  private void dagDrain(
      String id, String shape, int workers, java.util.function.Consumer<Adder> plan)
      throws Exception {
    progress.accept(id);
    String url = pg.freshSchema(id.replace('.', '_'));
    try {
      List<NewCard> cards = new ArrayList<>();
      plan.accept(cards::add);
      try (Backlog backlog = openBacklog(url, workers)) {
        for (int i = 0; i < cards.size(); i += 200) {
          List<NewCard> chunk = cards.subList(i, Math.min(cards.size(), i + 200));
          backlog.inTransaction(
              tx -> {
                chunk.forEach(tx::create);
                return null;
              });
        }
      }
      long c0 = pg.commits();
      LoadDriver.Run run;
      AtomicLong remaining = new AtomicLong(cards.size());
      try (Backlog backlog = openBacklog(url, workers)) {
        run =
            LoadDriver.run(
                workers,
                Duration.ofSeconds(120),
                i -> untilAllDone(Workers.ours(backlog, "w" + i, 1), remaining));
      }
      long c1 = pg.commits();
      steps.add(
          measure(
              id,
              "dag",
              "ours",
              "PostgreSQL",
              workers,
              1,
              shape + " (created through the library)",
              run,
              (c1 - c0) / (double) Math.max(1, run.cards()),
              "drained until every card is done; idle workers"
                  + " poll every millisecond, and their empty claims count as commits"
                  + (remaining.get() > 0
                      ? "; " + remaining.get() + " cards were left when the 120 s limit hit"
                      : "")));
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
}
