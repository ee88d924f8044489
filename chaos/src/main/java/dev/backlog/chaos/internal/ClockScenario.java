package dev.backlog.chaos.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 4, clock trouble: worker threads of one host drain a DAG on a store whose clock the
 * driver moves, an hour forward (past every lease) and back again, at random moments. Leases are
 * judged by that clock, as a process's leases are judged by the database's clock. Afterwards no
 * card may have had two live holders, and every write from a lease that lapsed in a jump must have
 * been refused.
 */
public final class ClockScenario {

  /** The scenario's name in the report. */
  public static final String NAME = "clock jumps forward past every TTL and back";

  private final Random random;

  /** A scenario of a run. */
  public ClockScenario(Random random) {
    this.random = random;
  }

  /** A clock the driver moves. Thread-safe. */
  static final class JumpingClock implements InstantSource {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    void jump(Duration by) {
      offset.updateAndGet(o -> o.plus(by));
    }
  }

  /** Runs on a store at {@code url} (an H2 file or a PostgreSQL schema). */
  public ScenarioResult run(String store, String url, int cards) throws InterruptedException {
    FaultStats stats = new FaultStats();
    JumpingClock clock = new JumpingClock();
    List<String> violations = new ArrayList<>();
    try (JdbcBacklogStore s = JdbcBacklogStore.builder().url(url).clock(clock).build();
        Backlog backlog =
            Backlog.builder().store(s).clock(clock).sweepInterval(Duration.ofMillis(1)).build()) {
      Set<CardId> drained = new LinkedHashSet<>();
      backlog.inTransaction(
          tx -> {
            for (int i = 1; i <= cards; i++) {
              NewCard.Builder b = NewCard.builder("K" + i).title("Card K" + i).maxAttempts(1000);
              if (i > 1 && random.nextBoolean()) {
                b.dependsOn("K" + (1 + random.nextInt(i - 1)));
              }
              tx.create(b.build());
              drained.add(CardId.of("K" + i));
            }
            return null;
          });
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> workers = new ArrayList<>();
      for (int w = 1; w <= 4; w++) {
        String owner = "clock-" + w;
        long seed = random.nextLong();
        workers.add(
            CliFleet.start(owner, () -> work(backlog, owner, new Random(seed), stats, stop)));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (backlog.stats().count(CardStatus.DONE) < cards && System.nanoTime() < deadline) {
        Thread.sleep(100 + random.nextInt(200));
        clock.jump(Duration.ofHours(1));
        stats.fault("clock jumped forward 1 h");
        Thread.sleep(50 + random.nextInt(150));
        clock.jump(Duration.ofHours(-1));
        stats.fault("clock jumped back 1 h");
      }
      stop.set(true);
      for (Thread t : workers) {
        t.join();
      }
      if (backlog.stats().count(CardStatus.DONE) < cards) {
        violations.add("the workers did not drain the backlog within 60 s");
      }
      violations.addAll(Invariants.check(backlog, s, drained, store.equals(Stage.H2)).violations());
      return stats.result(NAME, store, violations, cards + " cards, 4 threads, lease 30 s");
    }
  }

  private static void work(
      Backlog backlog, String owner, Random random, FaultStats stats, AtomicBoolean stop) {
    while (!stop.get()) {
      List<Claim> claims =
          backlog.claim(ClaimRequest.builder(owner).ttl(Duration.ofSeconds(30)).build());
      stats.operations.incrementAndGet();
      if (claims.isEmpty()) {
        sleep(20);
        continue;
      }
      Claim c = claims.get(0);
      try {
        sleep(random.nextInt(40));
        if (random.nextBoolean()) {
          backlog.renew(c.card().id(), c.token(), Duration.ofSeconds(30));
          stats.operations.incrementAndGet();
        }
        sleep(random.nextInt(40));
        backlog.complete(c.card().id(), c.token());
        stats.operations.incrementAndGet();
        stats.success();
      } catch (LeaseLostException e) {
        stats.operations.incrementAndGet();
        stats.outcome("late write refused (lease lost)");
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
