package dev.backlog.chaos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * CLI worker processes draining a backlog: each worker claims the best card with {@code backlog
 * claim --json}, sometimes heartbeats it with {@code renew}, and completes it; an importer imports
 * further plans meanwhile and a syncer runs {@code tracker sync}. An optional killer SIGKILLs a
 * share of the processes of workers, importer and syncer, each at a random moment of its life, and
 * the worker simply starts its next command, as a supervisor would restart it.
 *
 * <p>Not thread-safe: one run per instance.
 */
public final class CliFleet {

  /** Exit codes the CLI promises for the commands a worker runs, besides 0. */
  private static final java.util.Set<Integer> EXPECTED_FAILURES = java.util.Set.of(4, 5);

  private final CliRunner cli;
  private final FaultStats stats;
  private final Random random;
  private final int workers;
  private final int ttlSeconds;
  private final int expectedDone;
  private final List<Path> imports = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicBoolean drained = new AtomicBoolean();
  private boolean sync;
  private double killShare;
  private final java.util.concurrent.ScheduledExecutorService killer =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "killer");
            t.setDaemon(true);
            return t;
          });
  private final java.util.concurrent.atomic.AtomicLong opNanos =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong opCount =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean paused;
  private volatile boolean faultsOver;

  /**
   * A fleet of {@code workers} workers that stops when {@code expectedDone} cards are done.
   *
   * @param ttlSeconds the lease each claim asks for
   */
  public CliFleet(
      CliRunner cli,
      FaultStats stats,
      Random random,
      int workers,
      int ttlSeconds,
      int expectedDone) {
    this.cli = cli;
    this.stats = stats;
    this.random = random;
    this.workers = workers;
    this.ttlSeconds = ttlSeconds;
    this.expectedDone = expectedDone;
  }

  /** Plans an importer imports while the workers drain (each file until it is in). */
  public CliFleet importing(List<Path> plans) {
    imports.addAll(plans);
    return this;
  }

  /** Runs {@code tracker sync --json} over and over while the workers drain. */
  public CliFleet syncing() {
    sync = true;
    return this;
  }

  /**
   * SIGKILLs a share of the processes (claims, renews, completions, imports, syncs alike), each at
   * a random moment of its life: between its start and the mean duration of the commands so far, so
   * that start-up, the transaction and the exit are all hit.
   */
  public CliFleet killing(double share) {
    killShare = share;
    return this;
  }

  /** Pauses or resumes the killer (a scenario's own fault may need the stage alone). */
  public void pauseKiller(boolean value) {
    paused = value;
  }

  /**
   * Runs until {@code expectedDone} cards are done. Faults are injected for at most {@code max};
   * after that the fleet has {@code recovery} without faults to finish (a busy machine may need
   * it), and only a drain that does not end then is reported unfinished.
   */
  public boolean run(Duration max, Duration recovery) throws InterruptedException {
    long faultsEnd = System.nanoTime() + max.toNanos();
    long deadline = faultsEnd + recovery.toNanos();
    start(
        "faults-end",
        () -> {
          try {
            Thread.sleep(max.toMillis());
          } catch (InterruptedException e) {
            return;
          }
          if (!stop.get()) {
            faultsOver = true;
            stats.outcome("faults stopped before the drain ended");
          }
        });
    List<Thread> threads = new ArrayList<>();
    for (int w = 1; w <= workers; w++) {
      String name = "worker-" + w;
      threads.add(start(name, () -> work(name, deadline)));
    }
    if (!imports.isEmpty()) {
      threads.add(start("importer", this::importAll));
    }
    if (sync) {
      threads.add(start("syncer", () -> syncLoop(deadline)));
    }
    for (int i = 0; i < workers; i++) {
      threads.get(i).join();
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    killer.shutdownNow();
    return drained.get();
  }

  private CliRunner.Result op(String slot, String kind, String... args) {
    long t0 = System.nanoTime();
    CliRunner.Running running = cli.start(args);
    if (!paused && !faultsOver && killShare > 0 && random.nextDouble() < killShare) {
      long mean = opCount.get() == 0 ? 1_000_000_000L : opNanos.get() / opCount.get();
      long delay = (long) (random.nextDouble() * mean * 1.1);
      killer.schedule(
          () -> {
            if (running.alive() && !paused && !faultsOver) {
              running.kill();
              stats.fault("kill -9 during " + kind);
            }
          },
          delay,
          java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    CliRunner.Result r = running.await();
    if (!r.killed()) {
      opNanos.addAndGet(System.nanoTime() - t0);
      opCount.incrementAndGet();
    }
    stats.operations.incrementAndGet();
    if (r.killed()) {
      stats.outcome(kind + " killed");
    } else if (r.exit() == 0) {
      stats.success();
    } else {
      stats.outcome(kind + " exit " + r.exit());
      if (!EXPECTED_FAILURES.contains(r.exit()) && !(kind.equals("import") && r.exit() == 2)) {
        stats.problem("backlog " + args[0] + " exited " + r.exit() + ": " + firstLine(r.err()));
      }
    }
    return r;
  }

  private void work(String owner, long deadline) {
    while (!stop.get() && System.nanoTime() < deadline) {
      CliRunner.Result claim =
          op(
              owner,
              "claim",
              "claim",
              "--owner",
              owner,
              "--ttl",
              Integer.toString(ttlSeconds),
              "--json");
      if (!claim.ok()) {
        pause(claim.exit() == 5 ? 300 : 50);
        continue;
      }
      JsonNode card = parse(claim.out());
      if (card == null || !(card.isNull() || card.has("id"))) {
        // exit 0 must come with the card or null: the CLI promises it
        stats.problem(
            "backlog claim exited 0 without a card or null on stdout: '"
                + firstLine(claim.out())
                + "'");
        pause(300);
        continue;
      }
      if (card.isNull()) {
        if (allDone(owner)) {
          drained.set(true);
          stop.set(true);
          return;
        }
        pause(300);
        continue;
      }
      String id = card.get("id").asText();
      String token = card.get("lease").get("token").asText();
      if (random.nextInt(3) == 0) {
        CliRunner.Result renew =
            op(
                owner,
                "renew",
                "renew",
                id,
                "--token",
                token,
                "--ttl",
                Integer.toString(ttlSeconds),
                "--json");
        if (!renew.ok()) {
          continue;
        }
      }
      op(owner, "complete", "complete", id, "--token", token, "--json");
    }
  }

  private boolean allDone(String owner) {
    CliRunner.Result r = op(owner, "stats", "stats", "--json");
    JsonNode s = r.ok() ? parse(r.out()) : null;
    return s != null && s.path("counts").path("done").asLong() >= expectedDone;
  }

  private void importAll() {
    for (Path plan : imports) {
      while (!stop.get()) {
        CliRunner.Result r = op("importer", "import", "import", plan.toString(), "--json");
        if (r.ok()) {
          break;
        }
        if (r.exit() == 2) {
          // A killed import that had committed: its cards are in the backlog already. Anything
          // else is a bad plan, which the driver never writes.
          if (!r.err().contains("already")) {
            stats.problem("import of " + plan.getFileName() + " refused: " + firstLine(r.err()));
          }
          break;
        }
        pause(200);
      }
      pause(500);
    }
  }

  private void syncLoop(long deadline) {
    while (!stop.get() && System.nanoTime() < deadline) {
      op("syncer", "tracker sync", "tracker", "sync", "--json");
      pause(2000);
    }
  }

  static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static JsonNode parse(String text) {
    try {
      return Plans.JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
