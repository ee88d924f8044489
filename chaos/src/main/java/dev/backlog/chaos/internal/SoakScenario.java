package dev.backlog.chaos.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Scenario 5, the soak: 8 worker threads of one host claim and complete at about 60 % of the
 * capacity measured just before, while a producer keeps the backlog stocked, for the soak's
 * duration; throughput, claim p99, heap after GC, RSS, open file descriptors and database
 * connections are sampled at every interval. Each must stay flat: the last sample within 1.5× of
 * the second. Ends with the invariants.
 */
public final class SoakScenario {

  /** The scenario's name in the report. */
  public static final String NAME = "soak at 60 % of capacity";

  /** Worker threads. */
  static final int WORKERS = 8;

  private final Profile profile;

  /** A soak of a run. */
  public SoakScenario(Profile profile) {
    this.profile = profile;
  }

  /** What a soak found. */
  public record Outcome(ScenarioResult result, List<SoakSample> samples, double capacity) {}

  /**
   * Runs on a store at {@code url}; {@code connections} counts the database's client connections.
   */
  public Outcome run(String store, String url, LongSupplier connections)
      throws InterruptedException {
    FaultStats stats = new FaultStats();
    List<SoakSample> samples = new ArrayList<>();
    try (JdbcBacklogStore s = JdbcBacklogStore.builder().url(url).build();
        Backlog backlog = Backlog.builder().store(s).build()) {
      AtomicLong created = new AtomicLong();
      stock(backlog, created, 5000);
      // capacity: unthrottled for a few seconds, the stock kept up as in the soak (a fast store
      // drains any fixed stock before the measurement ends and would measure idle workers)
      Load probe = new Load(backlog, stats, 0);
      probe.start();
      keepStocked(backlog, created, System.nanoTime() + profile.sample().toNanos() / 2);
      probe.completions.set(0);
      long t0 = System.nanoTime();
      keepStocked(backlog, created, t0 + profile.sample().toNanos());
      double capacity = probe.completions.get() / ((System.nanoTime() - t0) / 1e9);
      probe.stop();
      if (capacity <= 0) {
        // A target of 0 would run the soak unthrottled: say so instead of measuring that.
        return new Outcome(
            stats.result(
                NAME,
                store,
                List.of(
                    "the capacity probe completed no card in "
                        + profile.sample().toMillis()
                        + " ms, so there is no rate to soak at"),
                "capacity 0 cards/s"),
            samples,
            capacity);
      }
      topUp(backlog, created);

      Load load = new Load(backlog, stats, 0.6 * capacity);
      load.start();
      long start = System.nanoTime();
      long intervals =
          Math.max(
              1,
              (profile.soak().toNanos() + profile.sample().toNanos() - 1)
                  / profile.sample().toNanos());
      long end = start + intervals * profile.sample().toNanos(); // whole intervals only
      int index = 0;
      while (System.nanoTime() < end) {
        long intervalStart = System.nanoTime();
        long doneBefore = load.completions.get();
        load.latencies.clear();
        long intervalEnd = Math.min(end, intervalStart + profile.sample().toNanos());
        keepStocked(backlog, created, intervalEnd);
        double secs = (System.nanoTime() - intervalStart) / 1e9;
        double rate = (load.completions.get() - doneBefore) / secs;
        double p99 = load.latencies.p99Ms();
        System.gc();
        double heap =
            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        samples.add(
            new SoakSample(
                store,
                ++index,
                (System.nanoTime() - start) / 1e9,
                rate,
                p99,
                heap,
                rssMiB(),
                openFds(),
                connections.getAsLong()));
      }
      load.stop();
      List<String> violations =
          new ArrayList<>(
              Invariants.check(backlog, s, Set.of(), store.equals(Stage.H2)).violations());
      long done = backlog.stats().count(CardStatus.DONE);
      String note =
          String.format(
              java.util.Locale.ROOT,
              "capacity %.0f cards/s, target %.0f cards/s, %d cards done; flat: %s",
              capacity,
              0.6 * capacity,
              done,
              flatness(samples));
      ScenarioResult r = stats.result(NAME, store, violations, note);
      return new Outcome(r, samples, capacity);
    }
  }

  /** Which metrics stayed flat (last sample within 1.5× of the second). */
  static String flatness(List<SoakSample> samples) {
    if (samples.size() < 3) {
      return "too few samples to judge";
    }
    SoakSample second = samples.get(1);
    SoakSample last = samples.get(samples.size() - 1);
    List<String> out = new ArrayList<>();
    out.add(judge("throughput", second.cardsPerSecond(), last.cardsPerSecond(), true));
    out.add(judge("claim p99", second.claimP99Ms(), last.claimP99Ms(), false));
    out.add(judge("heap", second.heapMiB(), last.heapMiB(), false));
    out.add(judge("RSS", second.rssMiB(), last.rssMiB(), false));
    out.add(judge("fds", second.fds(), last.fds(), false));
    out.add(judge("connections", second.dbConnections(), last.dbConnections(), false));
    return String.join(", ", out);
  }

  private static String judge(String what, double second, double last, boolean higherIsBetter) {
    boolean flat =
        higherIsBetter ? last * 1.5 >= second : last <= 1.5 * second || last - second < 1e-9;
    return what + (flat ? " yes" : " NO");
  }

  /** Claimable cards below which the producer adds {@link #LOW_STOCK} more. */
  private static final int LOW_STOCK = 2_000;

  /**
   * Until {@code endNanos} ({@link System#nanoTime}), every 50 ms: tops the stock up when it runs
   * low, so the workers never find the backlog empty.
   */
  private static void keepStocked(Backlog backlog, AtomicLong created, long endNanos)
      throws InterruptedException {
    while (System.nanoTime() < endNanos) {
      Thread.sleep(Math.max(1, Math.min(50, (endNanos - System.nanoTime()) / 1_000_000)));
      topUp(backlog, created);
    }
  }

  private static void topUp(Backlog backlog, AtomicLong created) {
    if (backlog.stats().claimable() < LOW_STOCK) {
      stock(backlog, created, LOW_STOCK);
    }
  }

  private static void stock(Backlog backlog, AtomicLong created, int n) {
    backlog.inTransaction(
        tx -> {
          for (int i = 0; i < n; i++) {
            long id = created.incrementAndGet();
            tx.create(NewCard.builder("W" + id).title("Soak card " + id).build());
          }
          return null;
        });
  }

  static double rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Worker threads at a paced rate (0: as fast as they can). */
  private static final class Load {
    final AtomicLong completions = new AtomicLong();
    final Latencies latencies = new Latencies();
    private final Backlog backlog;
    private final FaultStats stats;
    private final long intervalNanos;
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Load(Backlog backlog, FaultStats stats, double perSecond) {
      this.backlog = backlog;
      this.stats = stats;
      this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
    }

    void start() {
      nextSlot.set(System.nanoTime());
      for (int i = 1; i <= WORKERS; i++) {
        String owner = "soak-" + i;
        threads.add(CliFleet.start(owner, () -> work(owner)));
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }

    private void work(String owner) {
      ClaimRequest request = ClaimRequest.builder(owner).ttl(Duration.ofMinutes(5)).build();
      while (!stop.get()) {
        if (intervalNanos > 0) {
          long slot = nextSlot.getAndAdd(intervalNanos);
          long wait = slot - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
        }
        long t = System.nanoTime();
        List<Claim> claims = backlog.claim(request);
        latencies.add((System.nanoTime() - t) / 1e6);
        if (claims.isEmpty()) {
          stats.outcome("claim found nothing");
          continue;
        }
        stats.operations.incrementAndGet();
        Claim c = claims.get(0);
        backlog.complete(c.card().id(), c.token());
        stats.operations.incrementAndGet();
        completions.incrementAndGet();
      }
    }
  }

  /** Claim latencies of one interval. Thread-safe. */
  private static final class Latencies {
    private final List<Double> values = new ArrayList<>();

    synchronized void add(double ms) {
      values.add(ms);
    }

    synchronized void clear() {
      values.clear();
    }

    synchronized double p99Ms() {
      return Percentiles.of(values, 99);
    }
  }
}
