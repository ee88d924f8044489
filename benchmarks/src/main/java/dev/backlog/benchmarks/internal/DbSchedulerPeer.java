package dev.backlog.benchmarks.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The peer: db-scheduler burning down no-op one-time tasks with its lock-and-fetch polling
 * strategy, on the same PostgreSQL server.
 *
 * <p>Thread-safe: each call uses its own scheduler.
 */
public final class DbSchedulerPeer {

  private DbSchedulerPeer() {}

  /**
   * What the peer did.
   *
   * @param run tasks run and the time it took
   * @param commitsPerTask committed transactions per task while the scheduler ran
   */
  public record Outcome(LoadDriver.Run run, double commitsPerTask) {}

  /**
   * Schedules {@code tasks} due tasks, then runs a scheduler with {@code workers} threads until all
   * have run or {@code limit} passes; {@code commits} reads the server's commit counter.
   */
  public static Outcome run(
      String url, int tasks, int workers, Duration limit, LongSupplier commits)
      throws InterruptedException {
    long c0;
    LoadDriver.Run result;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(workers + 4);
    config.setPoolName("db-scheduler-peer");
    try (HikariDataSource ds = new HikariDataSource(config)) {
      Scripts.run(ds, "db-scheduler-postgresql.sql");
      AtomicLong executed = new AtomicLong();
      OneTimeTask<Void> task =
          Tasks.oneTime("bench-no-op").execute((instance, ctx) -> executed.incrementAndGet());
      SchedulerClient client = SchedulerClient.Builder.create(ds, task).build();
      Instant due = Instant.now().minusSeconds(1);
      List<TaskInstance<?>> chunk = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        chunk.add(task.instance(Workers.id("T", i)));
        if (chunk.size() == 1_000 || i == tasks - 1) {
          client.scheduleBatch(chunk, due);
          chunk.clear();
        }
      }
      Scheduler scheduler =
          Scheduler.create(ds, task)
              .threads(workers)
              .pollUsingLockAndFetch(0.5, 1.0)
              .pollingInterval(Duration.ofMillis(100))
              .build();
      c0 = commits.getAsLong();
      long start = System.nanoTime();
      long deadline = start + limit.toNanos();
      scheduler.start();
      long end;
      long done;
      try {
        while (executed.get() < tasks && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
      } finally {
        end = System.nanoTime();
        done = Math.min(executed.get(), tasks);
        scheduler.stop();
      }
      result = new LoadDriver.Run(done, (end - start) / 1e9, new Latencies(), -1);
    }
    long c1 = commits.getAsLong();
    return new Outcome(result, (c1 - c0) / (double) Math.max(1, result.cards()));
  }
}
