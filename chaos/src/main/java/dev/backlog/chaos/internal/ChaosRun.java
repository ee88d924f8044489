package dev.backlog.chaos.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One run of every scenario on every store it applies to, in order, with the results collected for
 * the report. A further scenario (the server under faults, once it exists) is one more call here
 * returning {@link ScenarioResult} rows.
 *
 * <p>Not thread-safe: one run per instance.
 */
public final class ChaosRun {

  private final Profile profile;
  private final Path cliJar;
  private final Path work;
  private final long seed;
  private final PrintStream progress;
  private final OutputLog log = new OutputLog();
  private Set<String> only = Set.of();

  /** The keys {@link #only} accepts, one per scenario, in the order a run takes them. */
  public static final List<String> SCENARIOS =
      List.of("kill-cli", "kill-host", "coord", "restart", "disk", "clock", "soak", "server");

  /** A run of {@code profile} with scratch space under {@code work}. */
  public ChaosRun(Profile profile, Path cliJar, Path work, long seed, PrintStream progress) {
    this.profile = profile;
    this.cliJar = cliJar.toAbsolutePath();
    this.work = work.toAbsolutePath();
    this.seed = seed;
    this.progress = progress;
  }

  /**
   * Runs only the scenarios named (keys of {@link #SCENARIOS}; empty: all), to reproduce one.
   *
   * @throws IllegalArgumentException naming an unknown key
   */
  public ChaosRun only(Set<String> keys) {
    for (String k : keys) {
      if (!SCENARIOS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown scenario '" + k + "'; name some of " + String.join(", ", SCENARIOS));
      }
    }
    only = Set.copyOf(keys);
    return this;
  }

  private boolean runs(String key) {
    return only.isEmpty() || only.contains(key);
  }

  /** Everything every process of the run printed. */
  public OutputLog output() {
    return log;
  }

  /** Runs every scenario. */
  public Results run() throws InterruptedException {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Random random = new Random(seed);
    List<ScenarioResult> rows = new ArrayList<>();
    List<SoakSample> soak = new ArrayList<>();
    String pgVersion;
    KillScenarios kills = new KillScenarios(profile, cliJar, log, random);
    FaultScenarios faults = new FaultScenarios(profile, log, random);
    String dbPassword = "ChaosPlantedPw" + Long.toHexString(random.nextLong());
    String serverToken = "ChaosServerToken" + Long.toHexString(random.nextLong());
    try (PgServer pg = PgServer.start(dir("pg-data"), dbPassword)) {
      pgVersion = pg.version();

      if (runs("kill-cli")) {
        rows.add(
            step(() -> kills.cliWorkers(Stage.h2(dir("kill-h2"), cliJar, log), dir("kill-h2"))));
        rows.add(
            step(
                () ->
                    kills.cliWorkers(
                        Stage.pg(dir("kill-pg"), pg, "kill", cliJar, log), dir("kill-pg"))));
      }
      if (runs("kill-host")) {
        rows.add(step(() -> kills.hosts(Stage.h2(dir("host-h2"), cliJar, log), dir("host-h2"))));
        rows.add(
            step(
                () ->
                    kills.hosts(
                        Stage.pg(dir("host-pg"), pg, "host", cliJar, log), dir("host-pg"))));
      }
      // The server scenario waits half a minute for its slow clients' idle timeout with little to
      // do: it runs beside the coordination, restart and disk scenarios, and is joined before the
      // clock and soak scenarios, whose figures want the machine to themselves.
      List<ScenarioResult> serverRows = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.atomic.AtomicReference<InterruptedException> serverInterrupted =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread serverThread = null;
      if (runs("server")) {
        ServerScenario server = new ServerScenario(profile, new Random(seed + 6), serverToken);
        serverThread =
            new Thread(
                () -> {
                  try {
                    serverRows.add(
                        step(
                            () ->
                                server.run(
                                    Stage.h2(dir("serve-h2"), cliJar, log), dir("serve-h2"))));
                    if (profile.mode().equals("full")) {
                      // the quick run keeps to the default H2 file: the server's code is the same
                      serverRows.add(
                          step(
                              () ->
                                  server.run(
                                      Stage.pg(dir("serve-pg"), pg, "serve", cliJar, log),
                                      dir("serve-pg"))));
                    }
                  } catch (InterruptedException e) {
                    serverInterrupted.set(e);
                  }
                },
                "server-scenario");
        serverThread.start();
        if (profile.mode().equals("full")) {
          // a full run keeps every scenario's figures to itself (and its PostgreSQL row must not
          // meet the restart scenario's stopped server)
          serverThread.join();
        }
      }
      if (runs("coord")) {
        rows.add(step(() -> kills.coordRecord(dir("coord"))));
      }
      if (runs("restart")) {
        rows.add(
            step(
                () ->
                    faults.restart(
                        Stage.pg(dir("restart"), pg, "restart", cliJar, log), pg, dir("restart"))));
      }
      if (runs("disk")) {
        rows.add(step(() -> faults.diskFull(dir("disk"), cliJar)));
      }
      if (serverThread != null) {
        serverThread.join();
        if (serverInterrupted.get() != null) {
          throw serverInterrupted.get();
        }
        rows.addAll(serverRows);
      }
      if (runs("clock")) {
        ClockScenario clock = new ClockScenario(random);
        int clockCards = profile.clockCards();
        rows.add(
            step(
                () ->
                    clock.run(
                        Stage.H2, "jdbc:h2:file:" + dir("clock-h2").resolve("clock"), clockCards)));
        rows.add(step(() -> clock.run(Stage.PG, pg.freshSchema("clock"), clockCards)));
      }
      if (runs("soak")) {
        SoakScenario soaker = new SoakScenario(profile);
        Path h2Soak = dir("soak-h2");
        String h2Url = "jdbc:h2:file:" + h2Soak.resolve("soak");
        SoakScenario.Outcome h2 = soaker.run(Stage.H2, h2Url, () -> h2Sessions(h2Url));
        rows.add(h2.result());
        soak.addAll(h2.samples());
        progress.println("chaos: " + line(h2.result()));
        SoakScenario.Outcome pgSoak =
            soaker.run(Stage.PG, pg.freshSchema("soak"), pg::clientConnections);
        rows.add(pgSoak.result());
        soak.addAll(pgSoak.samples());
        progress.println("chaos: " + line(pgSoak.result()));
      }
    }
    rows.add(secrets(List.of(dbPassword, Stage.PLANTED_GITHUB_TOKEN, serverToken)));
    return new Results(
        profile.mode(),
        started.toString(),
        (System.nanoTime() - t0) / 1e9,
        seed,
        Machine.describe(),
        pgVersion,
        org.h2.engine.Constants.FULL_VERSION,
        rows,
        soak);
  }

  /** The planted secrets must be absent from every line any process of the run wrote. */
  private ScenarioResult secrets(List<String> secrets) {
    List<String> violations = new ArrayList<>();
    for (String secret : secrets) {
      List<String> leaks = log.containing(secret);
      if (!leaks.isEmpty()) {
        String first = leaks.get(0);
        violations.add(
            "a planted secret appears in the output of "
                + leaks.size()
                + " processes, first: "
                + first.substring(
                    0,
                    Math.min(200, first.indexOf('\n') < 0 ? first.length() : first.indexOf('\n'))));
      }
    }
    ScenarioResult r =
        new ScenarioResult(
            "planted secrets (database password, GitHub token, server token) absent from all output",
            "all",
            1,
            0,
            log.size(),
            violations,
            -1,
            -1,
            "operations: processes whose stdout and stderr were searched"
                + (log.dropped() > 0
                    ? "; " + log.dropped() + " characters over the log's bound not searched"
                    : ""),
            false);
    progress.println("chaos: " + line(r));
    return r;
  }

  /** A scenario step. */
  interface Step {
    ScenarioResult run() throws InterruptedException;
  }

  private ScenarioResult step(Step step) throws InterruptedException {
    long t = System.nanoTime();
    ScenarioResult r = step.run();
    progress.println(
        String.format(
            java.util.Locale.ROOT, "chaos: %s (%.0f s)", line(r), (System.nanoTime() - t) / 1e9));
    return r;
  }

  private static String line(ScenarioResult r) {
    return r.scenario()
        + " on "
        + r.store()
        + ": "
        + (r.skipped()
            ? "skipped: " + r.note()
            : r.faults()
                + " faults, "
                + r.operations()
                + " operations, "
                + r.violations().size()
                + " violations "
                + r.violations()
                + "; "
                + r.note());
  }

  private Path dir(String name) {
    try {
      return Files.createDirectories(work.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long h2Sessions(String url) {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
      rs.next();
      return rs.getLong(1) - 1;
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }
}
