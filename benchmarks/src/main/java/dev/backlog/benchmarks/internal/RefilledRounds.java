package dev.backlog.benchmarks.internal;

import java.time.Duration;

/**
 * A timed measurement of one system run as a few rounds, its pool of ready cards refilled before
 * each ({@link ReadyPool}, outside the rounds' timing): one long run on a fixed pool ends early on
 * a fast machine, when the pool runs out, and its rate then counts the workers' ramp-down. A round
 * that still empties the pool fails the run ({@link LoadDriver.Run#requireWork}).
 *
 * <p>Stateless.
 */
final class RefilledRounds {

  /** Rounds a measurement is split into. */
  static final int ROUNDS = 4;

  private RefilledRounds() {}

  /**
   * Runs {@code workers} workers from {@code factory} for {@code total} in {@link #ROUNDS} rounds,
   * refilling {@code pool} before each; returns the sums over the rounds ({@code transactions} -1
   * when a worker does not count them). {@code what} names the measurement in a failure.
   */
  static LoadDriver.Run run(
      int workers, Duration total, ReadyPool pool, LoadDriver.WorkerFactory factory, String what)
      throws Exception {
    Duration round = total.dividedBy(ROUNDS);
    long cards = 0;
    double seconds = 0;
    long transactions = 0;
    Latencies latencies = new Latencies();
    for (int r = 0; r < ROUNDS; r++) {
      pool.topUp();
      LoadDriver.Run run =
          LoadDriver.run(workers, round, factory).requireWork(what + ", round " + (r + 1));
      cards += run.cards();
      seconds += run.seconds();
      transactions =
          transactions < 0 || run.transactions() < 0 ? -1 : transactions + run.transactions();
      latencies.addAll(run.latencies());
    }
    return new LoadDriver.Run(cards, seconds, latencies, transactions);
  }
}
