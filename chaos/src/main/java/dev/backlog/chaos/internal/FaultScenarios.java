package dev.backlog.chaos.internal;

import dev.backlog.core.CardId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 2, the database restarted under load (PostgreSQL stopped in fast and in immediate mode
 * and started again), and scenario 3, the disk full (the H2 file and the tracker files on a small
 * tmpfs filled to the brim, then freed).
 */
public final class FaultScenarios {

  /** The scenario's name in the report. */
  public static final String RESTART = "database restart (fast and immediate shutdown)";

  /** The scenario's name in the report. */
  public static final String DISK_FULL = "disk full (H2 file and tracker files on a full tmpfs)";

  /**
   * How long the restart scenario's host may take to see the drain done after the CLI workers saw
   * it; a host still running then is a violation (it would never finish on its own).
   */
  private static final java.time.Duration HOST_GRACE = java.time.Duration.ofSeconds(30);

  private final Profile profile;
  private final Random random;
  private final OutputLog log;

  /** Scenarios of a run. */
  public FaultScenarios(Profile profile, OutputLog log, Random random) {
    this.profile = profile;
    this.log = log;
    this.random = random;
  }

  /** CLI workers and an embedding host drain while the server is stopped and started twice. */
  public ScenarioResult restart(Stage stage, PgServer pg, Path dir) throws InterruptedException {
    FaultStats stats = new FaultStats();
    Set<CardId> drained =
        Plans.write(dir.resolve("plan.jsonl"), "P", profile.restartCards(), random);
    stage.seed(dir.resolve("plan.jsonl"));
    CliFleet cli =
        new CliFleet(stage.cli(), stats, random, 3, profile.cliTtlSeconds(), drained.size());
    HostFleet host =
        new HostFleet(
                stage.hostArgs(),
                stage.hostEnv(),
                stats,
                log,
                random,
                1,
                1,
                profile.cliTtlSeconds(),
                drained.size())
            .pace(250);
    AtomicReference<String> faultError = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean hostFinished =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread faults =
        CliFleet.start(
            "db-restarts",
            () -> {
              try {
                for (PgServer.Shutdown mode : PgServer.Shutdown.values()) {
                  Thread.sleep(2000 + random.nextInt(1500));
                  pg.stop(mode);
                  stats.fault(
                      "server stopped (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")");
                  Thread.sleep(1500);
                  pg.restart();
                  stats.faultEnded();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                faultError.set(e.toString());
              }
            });
    Thread hostThread =
        CliFleet.start(
            "host",
            () -> {
              try {
                hostFinished.set(host.run(profile.maxScenario(), profile.recovery(), 0));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    boolean done = cli.run(profile.maxScenario(), profile.recovery());
    // the CLI workers saw the whole drain done; the host that shared it must see it too within
    // the grace, and is stopped then (a violation) instead of running on to the end of the
    // recovery phase
    host.stopAfter(HOST_GRACE);
    faults.join();
    hostThread.join();
    List<String> violations = new ArrayList<>();
    if (faultError.get() != null) {
      violations.add("the server could not be restarted: " + faultError.get());
    }
    if (!done) {
      violations.add(
          "the workers did not drain the backlog within "
              + profile.maxScenario()
              + " of faults and "
              + profile.recovery()
              + " without");
    } else if (!hostFinished.get()) {
      violations.add(
          "the embedding host did not finish on its own within "
              + HOST_GRACE.toSeconds()
              + " s after the CLI workers saw the drain done");
    }
    violations.addAll(stage.check(drained, false));
    return stats.result(
        RESTART, stage.store(), violations, drained.size() + " cards, 3 CLI workers + 1 host");
  }

  /**
   * Mounts a small tmpfs at {@code mount}, runs CLI workers and a tracker syncer on it, fills it
   * mid-run and frees it again. Skipped, with the reason, where mounting is refused.
   */
  public ScenarioResult diskFull(Path dir, Path cliJar) throws InterruptedException {
    Path mount = dir.resolve("tmpfs");
    String refused = Tmpfs.mount(mount, 48);
    if (refused != null) {
      return ScenarioResult.skipped(DISK_FULL, Stage.H2, refused);
    }
    try {
      FaultStats stats = new FaultStats();
      Stage stage = Stage.h2(mount, cliJar, log);
      Set<CardId> drained =
          Plans.write(dir.resolve("plan.jsonl"), "D", profile.faultCards(), random);
      stage.seed(dir.resolve("plan.jsonl"));
      // nobody is killed here, so the leases may be long: twice the kill scenario's, so that
      // a claim's renew and complete, each a JVM start on a busy machine, come within it (with
      // 15 s, a run on a machine loaded 28 deep saw every lease on the DAG's root lapse before
      // its completion, again and again)
      CliFleet fleet =
          new CliFleet(stage.cli(), stats, random, 3, profile.cliTtlSeconds() * 2, drained.size())
              .syncing();
      AtomicReference<String> fillError = new AtomicReference<>();
      Thread filler =
          CliFleet.start(
              "filler",
              () -> {
                try {
                  Thread.sleep(3000);
                  Path filler1 = mount.resolve("filler");
                  long written = fill(filler1);
                  stats.fault("disk filled (" + (written >> 20) + " MiB)");
                  // full until the workers ran a few commands against it (at least 4 s, at
                  // most 60 s: a busy machine starts processes slowly)
                  long opsAtFill = stats.operations.get();
                  long fullSince = System.nanoTime();
                  while (System.nanoTime() - fullSince < 60_000_000_000L
                      && (System.nanoTime() - fullSince < 4_000_000_000L
                          || stats.operations.get() - opsAtFill < 6)) {
                    Thread.sleep(100);
                  }
                  Files.delete(filler1);
                  stats.faultEnded();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (IOException e) {
                  fillError.set(e.toString());
                }
              });
      boolean done = fleet.run(profile.maxScenario(), profile.recovery());
      filler.join();
      List<String> violations = new ArrayList<>();
      if (fillError.get() != null) {
        violations.add("filling the disk failed: " + fillError.get());
      }
      if (!done) {
        violations.add(
            "the workers did not drain the backlog within "
                + profile.maxScenario()
                + " of faults and "
                + profile.recovery()
                + " without");
      }
      CliRunner.Result sync = stage.cli().run("tracker", "sync", "--json");
      if (!sync.ok()) {
        violations.add(
            "the tracker sync after the disk freed failed: exit " + sync.exit() + " " + sync.err());
      }
      violations.addAll(stage.check(drained, sync.ok()));
      if (!violations.isEmpty()) {
        violations.add("the tmpfs's files are kept for a look in " + keep(mount));
      }
      return stats.result(DISK_FULL, Stage.H2, violations, drained.size() + " cards, 48 MiB tmpfs");
    } finally {
      Tmpfs.unmount(mount);
    }
  }

  /** Copies a scenario's files (the H2 file, the tracker files) out of the tmpfs. */
  private static Path keep(Path mount) {
    try {
      Path to = Files.createTempDirectory("backlog-chaos-disk-evidence-");
      try (var paths = Files.walk(mount)) {
        for (Path p : (Iterable<Path>) paths::iterator) {
          if (p.getFileName() != null && p.getFileName().toString().equals("filler")) {
            continue;
          }
          Path target = to.resolve(mount.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        }
      }
      return to;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot keep the tmpfs's files", e);
    }
  }

  /** Writes zeros until the file system is full; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] chunk = new byte[1 << 20];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException full) {
      if (written == 0) {
        throw full;
      }
    }
    // fill the last partial megabyte too
    try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(chunk, 0, 4096);
        out.flush();
        written += 4096;
      }
    } catch (IOException full) {
      return written;
    }
  }
}
