package dev.backlog.benchmarks;

import dev.backlog.benchmarks.internal.BulkLoader;
import dev.backlog.benchmarks.internal.Latencies;
import dev.backlog.benchmarks.internal.PgServer;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Explanation;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The scheduling-visibility figures on PostgreSQL: claim latency at 100,000 ready cards with 10 %
 * of them deferred against the same backlog without deferred cards, and the median of {@code
 * explain} and {@code queue} at 100,000 cards. The deferred cards are the first 10 % in claim
 * order, the worst case for a claim that had to step over them. Prints a Markdown table.
 *
 * <pre>{@code java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
 *   dev.backlog.benchmarks.SchedulingBench [--pg-url URL] [--cards N] [--claims N] [--rounds N]}
 * </pre>
 *
 * <p>Not thread-safe; one run per process.
 */
public final class SchedulingBench {

  private SchedulingBench() {}

  /** Runs the scenarios and prints the table. */
  public static void main(String[] args) throws Exception {
    String url = System.getenv("BACKLOG_BENCH_PG_URL");
    int cards = 100_000;
    int claims = 2_000;
    int rounds = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pg-url" -> url = args[++i];
        case "--cards" -> cards = Integer.parseInt(args[++i]);
        case "--claims" -> claims = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    try (PgServer pg = url == null ? PgServer.embedded() : PgServer.external(url)) {
      System.out.println("server: " + pg.describe());
      Latencies none = new Latencies();
      Latencies deferred = new Latencies();
      // Alternating rounds, so that drift of the shared machine hits both alike.
      for (int round = 0; round < rounds; round++) {
        none.addAll(claimLatencies(pg, cards, 0, claims));
        deferred.addAll(claimLatencies(pg, cards, cards / 10, claims));
      }
      Latencies explain = new Latencies();
      Latencies queue = new Latencies();
      readLatencies(pg, cards, explain, queue);
      double ratio = (double) deferred.percentile(99) / none.percentile(99);
      System.out.println();
      System.out.println("| measurement | value |");
      System.out.println("| --- | --- |");
      System.out.printf(
          Locale.ROOT,
          "| claim p50 / p99, %,d ready cards, none deferred | %s / %s |%n",
          cards,
          ms(none.percentile(50)),
          ms(none.percentile(99)));
      System.out.printf(
          Locale.ROOT,
          "| claim p50 / p99, %,d ready cards, the first 10 %% in claim order deferred | %s / %s |%n",
          cards,
          ms(deferred.percentile(50)),
          ms(deferred.percentile(99)));
      System.out.printf(
          Locale.ROOT, "| claim p99 with 10 %% deferred / without (goal ≤ 1.2) | %.2f |%n", ratio);
      System.out.printf(
          Locale.ROOT,
          "| explain median / p99 at %,d cards (random claimable card) | %s / %s |%n",
          cards,
          ms(explain.percentile(50)),
          ms(explain.percentile(99)));
      System.out.printf(
          Locale.ROOT,
          "| queue (limit 20) median / p99 at %,d cards | %s / %s |%n",
          cards,
          ms(queue.percentile(50)),
          ms(queue.percentile(99)));
    }
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  /** A fresh schema with {@code total} ready cards, the first {@code deferred} of them deferred. */
  private static String load(PgServer pg, int total, int deferred) throws SQLException {
    String url = pg.freshSchema("sched");
    JdbcBacklogStore.builder().url(url).build().close();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    try (Connection c = DriverManager.getConnection(url)) {
      try (BulkLoader loader = new BulkLoader(c, true)) {
        for (int i = 0; i < total; i++) {
          loader.card(String.format(Locale.ROOT, "c%07d", i), "ready", t0.plusMillis(i), 0);
        }
      }
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        if (deferred > 0) {
          s.execute(
              "UPDATE cards SET not_before = now() + INTERVAL '1 day' WHERE id < 'c"
                  + String.format(Locale.ROOT, "%07d", deferred)
                  + "'");
        }
        s.execute("VACUUM ANALYZE cards");
      }
    }
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build()) {
      store.recount();
    }
    return url;
  }

  /** One worker claims and completes cards one at a time; returns the claims' latencies. */
  private static Latencies claimLatencies(PgServer pg, int total, int deferred, int claims)
      throws SQLException {
    String url = load(pg, total, deferred);
    Latencies out = new Latencies();
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build();
        Backlog backlog = Backlog.builder().store(store).closeStore(false).build()) {
      ClaimRequest request = ClaimRequest.builder("bench").ttl(Duration.ofMinutes(5)).build();
      for (int i = 0; i < claims + 200; i++) {
        long start = System.nanoTime();
        List<Claim> got = backlog.claim(request);
        long took = System.nanoTime() - start;
        if (got.isEmpty()) {
          throw new IllegalStateException("nothing claimable after " + i + " claims");
        }
        Card card = got.get(0).card();
        if (card.notBefore() != null) {
          throw new IllegalStateException("claimed the deferred card " + card.id());
        }
        backlog.complete(card.id(), got.get(0).token());
        if (i >= 200) {
          out.add(took);
        }
      }
    } finally {
      pg.dropSchema(url);
    }
    return out;
  }

  /** {@code explain} of random claimable cards and {@code queue} at {@code total} cards. */
  private static void readLatencies(PgServer pg, int total, Latencies explain, Latencies queue)
      throws SQLException {
    String url = load(pg, total, total / 10);
    Random random = new Random(17);
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).build();
        Backlog backlog = Backlog.builder().store(store).closeStore(false).build()) {
      for (int i = 0; i < 1_200; i++) {
        int n = total / 10 + random.nextInt(total - total / 10);
        CardId id = CardId.of(String.format(Locale.ROOT, "c%07d", n));
        long start = System.nanoTime();
        Explanation e = backlog.explain(id);
        long took = System.nanoTime() - start;
        if (!e.claimable() || e.rank() != n - total / 10 + 1) {
          throw new IllegalStateException("explain of " + id + " gave " + e);
        }
        start = System.nanoTime();
        List<Card> head = backlog.queue(null, 20);
        long tookQueue = System.nanoTime() - start;
        if (head.size() != 20) {
          throw new IllegalStateException("the queue has " + head.size() + " cards");
        }
        if (i >= 200) {
          explain.add(took);
          queue.add(tookQueue);
        }
      }
    } finally {
      pg.dropSchema(url);
    }
  }
}
