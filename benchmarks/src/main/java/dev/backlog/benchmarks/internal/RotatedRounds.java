package dev.backlog.benchmarks.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Several systems measured on one server in rotated rounds: round {@code r} starts with system
 * {@code r mod n} and runs each system once, so every system sees the same moments of the machine's
 * load and, where they share tables, the same dead rows. Each system's figures are the sums over
 * its rounds; given the server's commit counter, so are the commits made during its rounds.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class RotatedRounds {

  private final Map<String, LoadDriver.WorkerFactory> systems = new LinkedHashMap<>();
  private final Map<String, Sum> sums = new LinkedHashMap<>();
  private final LongSupplier commits;
  private Runnable beforeRound = () -> {};

  /** Rounds that do not count the server's commits. */
  RotatedRounds() {
    this(null);
  }

  /** Rounds that read the server's commit counter, when not null, around each round. */
  RotatedRounds(LongSupplier commits) {
    this.commits = commits;
  }

  /** Adds a system under {@code key}. */
  RotatedRounds add(String key, LoadDriver.WorkerFactory factory) {
    systems.put(key, factory);
    sums.put(key, new Sum());
    return this;
  }

  /**
   * Runs {@code step} before every round, outside its timing and its commit count (such as {@link
   * ReadyPool#topUp}).
   */
  RotatedRounds beforeEachRound(Runnable step) {
    this.beforeRound = step;
    return this;
  }

  /** Warms every system once for {@code warmup}, unmeasured. */
  void warm(int workers, Duration warmup) throws InterruptedException {
    for (LoadDriver.WorkerFactory f : systems.values()) {
      LoadDriver.run(workers, warmup, f);
    }
  }

  /** Runs {@code rounds} rotated rounds of {@code round} per system. */
  void run(int workers, int rounds, Duration round) throws InterruptedException {
    List<String> keys = new ArrayList<>(systems.keySet());
    // One reading between two rounds ends the one and starts the next (each reading waits for the
    // server's counters to settle).
    long last = commits == null ? 0 : commits.getAsLong();
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < keys.size(); k++) {
        String key = keys.get((r + k) % keys.size());
        beforeRound.run();
        if (commits != null) {
          last = commits.getAsLong();
        }
        LoadDriver.Run run =
            LoadDriver.run(workers, round, systems.get(key))
                .requireWork(key + ", round " + (r + 1));
        Sum s = sums.get(key);
        if (commits != null) {
          long now = commits.getAsLong();
          s.commits += now - last;
          last = now;
        }
        s.cards += run.cards();
        s.seconds += run.seconds();
        s.transactions =
            run.transactions() < 0 || s.transactions < 0 ? -1 : s.transactions + run.transactions();
        s.latencies.addAll(run.latencies());
      }
    }
  }

  /** What system {@code key} did over all rounds, as one run. */
  LoadDriver.Run total(String key) {
    Sum s = sums.get(key);
    return new LoadDriver.Run(s.cards, s.seconds, s.latencies, s.transactions);
  }

  /**
   * The server's commits per card during system {@code key}'s rounds, or -1 when these rounds do
   * not count commits.
   */
  double commitsPerCard(String key) {
    Sum s = sums.get(key);
    return commits == null ? -1 : s.commits / (double) Math.max(1, s.cards);
  }

  private static final class Sum {
    long commits;
    long cards;
    double seconds;
    long transactions;
    final Latencies latencies = new Latencies();
  }

  /**
   * A worker whose connection outlives one run: closing it is left to its owner; it counts this
   * run's transactions.
   */
  static LoadDriver.Worker keptOpen(LoadDriver.Worker inner) {
    long before = inner.transactions();
    return new LoadDriver.Worker() {
      @Override
      public int step(Latencies claimLatencies) throws Exception {
        return inner.step(claimLatencies);
      }

      @Override
      public long transactions() {
        return inner.transactions() < 0 ? -1 : inner.transactions() - before;
      }
    };
  }
}
