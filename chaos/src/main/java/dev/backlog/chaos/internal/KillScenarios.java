package dev.backlog.chaos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 1, kill -9 of workers: CLI worker processes (with an importer and a tracker syncer)
 * drain a DAG while a killer SIGKILLs random processes; embedding hosts do the same in processes of
 * their own; {@code coord record} is killed mid-transaction in a git repository.
 */
public final class KillScenarios {

  /** The scenario's name in the report. */
  public static final String CLI =
      "kill -9 of CLI workers (claim, renew, complete, import, tracker sync)";

  /** The scenario's name in the report. */
  public static final String HOST = "kill -9 of embedding hosts (in-process workers)";

  /** The scenario's name in the report. */
  public static final String COORD = "kill -9 during coord record";

  /** Records the coord scenario adds, at most, while none of the profile's was hit. */
  private static final int EXTRA_RECORDS = 4;

  private final Profile profile;
  private final Path cliJar;
  private final OutputLog log;
  private final Random random;

  /** Scenarios of a run. */
  public KillScenarios(Profile profile, Path cliJar, OutputLog log, Random random) {
    this.profile = profile;
    this.cliJar = cliJar;
    this.log = log;
    this.random = random;
  }

  /** CLI workers killed at random on a stage. */
  public ScenarioResult cliWorkers(Stage stage, Path dir) throws InterruptedException {
    FaultStats stats = new FaultStats();
    Set<CardId> drained =
        new LinkedHashSet<>(
            Plans.write(dir.resolve("seed.jsonl"), "S", profile.seedCards(), random));
    stage.seed(dir.resolve("seed.jsonl"));
    List<Path> imports = new ArrayList<>();
    for (int i = 0; i < profile.imports(); i++) {
      Path plan = dir.resolve("import-" + i + ".jsonl");
      drained.addAll(Plans.write(plan, "I" + (char) ('A' + i), profile.importCards(), random));
      imports.add(plan);
    }
    CliFleet fleet =
        new CliFleet(
                stage.cli(),
                stats,
                random,
                profile.cliWorkers(),
                profile.cliTtlSeconds(),
                drained.size())
            .importing(imports)
            .syncing()
            .killing(profile.killShare());
    boolean done = fleet.run(profile.maxScenario(), profile.recovery());
    List<String> violations = new ArrayList<>();
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
      violations.add("the final tracker sync failed: exit " + sync.exit() + " " + sync.err());
    }
    violations.addAll(stage.check(drained, sync.ok()));
    return stats.result(CLI, stage.store(), violations, drained.size() + " cards");
  }

  /** Embedding hosts killed at random on a stage. */
  public ScenarioResult hosts(Stage stage, Path dir) throws InterruptedException {
    FaultStats stats = new FaultStats();
    Set<CardId> drained =
        Plans.write(dir.resolve("host-plan.jsonl"), "H", profile.hostCards(), random);
    stage.seed(dir.resolve("host-plan.jsonl"));
    HostFleet fleet =
        new HostFleet(
            stage.hostArgs(), stage.hostEnv(), stats, log, random, 3, 2, 3, drained.size());
    boolean done = fleet.run(profile.maxScenario(), profile.recovery(), profile.hostKillGapMs());
    List<String> violations = new ArrayList<>();
    if (!done) {
      violations.add(
          "the hosts did not drain the backlog within "
              + profile.maxScenario()
              + " of faults and "
              + profile.recovery()
              + " without");
    }
    violations.addAll(stage.check(drained, false));
    return stats.result(
        HOST, stage.store(), violations, drained.size() + " cards, 3 hosts × 2 threads");
  }

  /**
   * {@code coord record} killed at random moments: afterwards the event log on the coordination
   * branch parses, a record that reported success is in it exactly once and a killed one at most
   * once.
   */
  public ScenarioResult coordRecord(Path dir) throws InterruptedException {
    FaultStats stats = new FaultStats();
    Path repo = dir.resolve("repo");
    CliRunner cli = new CliRunner(cliJar, repo, log);
    Path gitconfig = dir.resolve("gitconfig");
    try {
      Files.writeString(
          gitconfig,
          "[user]\n\tname = Chaos\n\temail = chaos@example.invalid\n[commit]\n\tgpgsign = false\n",
          StandardCharsets.UTF_8);
      cli.env("HOME", dir.toString())
          .env("GIT_CONFIG_GLOBAL", gitconfig.toString())
          .env("GIT_CONFIG_NOSYSTEM", "1")
          .env("BACKLOG_HOME", dir.resolve("home").toString());
      git(cli, "init", "-q", "-b", "main");
      Files.writeString(repo.resolve("README.md"), "# chaos\n", StandardCharsets.UTF_8);
      git(cli, "add", "README.md");
      git(cli, "commit", "-q", "-m", "Initial commit");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CliRunner.Result init = cli.run("coord", "init", "--mission", "chaos", "--json");
    if (!init.ok()) {
      return stats.result(COORD, "git", List.of("coord init failed: " + init.err()), "");
    }
    String mission = CliFleet.parse(init.out()).get("mission").asText();
    Map<String, Boolean> reported = new HashMap<>();
    long ranNanos = 0;
    int ran = 0;
    long shortest = Long.MAX_VALUE;
    int records = 0;
    // Past the profile's records only while none was hit, with kills ever earlier (a fast machine
    // can finish a record before a kill drawn from the records before it).
    for (int n = 1;
        n <= profile.records()
            || (stats.faults.get() == 0 && n <= profile.records() + EXTRA_RECORDS);
        n++) {
      records = n;
      String card = "R" + n;
      long started = System.nanoTime();
      CliRunner.Running running =
          cli.start(
              "coord",
              "record",
              "--mission",
              mission,
              "--card",
              card,
              "--type",
              "claimed",
              "--lease",
              Integer.toString(n),
              "--actor",
              "w" + n,
              "--json");
      // Half of them, at a random moment within the time a record takes here (measured on the
      // ones that ran to the end); from the last one on, while none was hit, surely inside the
      // shortest record, earlier with each extra one (one slow record, such as the first, lifts
      // the mean above what the others take).
      long mean = ran == 0 ? 1_500_000_000L : ranNanos / ran;
      boolean forced = n >= profile.records() && stats.faults.get() == 0;
      if (random.nextBoolean() || forced) {
        long nanos;
        if (forced) {
          long base = shortest == Long.MAX_VALUE ? mean : shortest;
          double scale = Math.pow(0.5, n - profile.records());
          nanos = (long) ((0.2 + 0.5 * random.nextDouble()) * scale * base);
        } else {
          nanos = (long) (1.1 * random.nextDouble() * mean);
        }
        TimeUnit.NANOSECONDS.sleep(nanos);
        if (running.alive()) {
          running.kill();
          stats.fault("kill -9 during coord record");
        }
      }
      CliRunner.Result r = running.await();
      if (!r.killed()) {
        long took = System.nanoTime() - started;
        ranNanos += took;
        ran++;
        shortest = Math.min(shortest, took);
      }
      stats.operations.incrementAndGet();
      if (r.ok()) {
        stats.success();
      } else if (!r.killed()) {
        stats.outcome("record exit " + r.exit());
        stats.problem(
            "coord record " + card + " exited " + r.exit() + ": " + CliFleet.firstLine(r.err()));
      }
      reported.put(card, r.ok());
    }
    CliRunner.Result status = cli.run("coord", "status", "--mission", mission, "--json");
    List<String> violations = new ArrayList<>();
    if (!status.ok() || CliFleet.parse(status.out()) == null) {
      violations.add(
          "coord status after the kills failed: exit " + status.exit() + " " + status.err());
    }
    Map<String, Integer> counts = new HashMap<>();
    String log;
    try {
      log =
          git(
              cli,
              "show",
              "backlog/mission-"
                  + mission
                  + ":.backlog/missions/"
                  + mission
                  + "/status.events.jsonl");
    } catch (IOException e) {
      log = "";
      violations.add("the git event log cannot be read: " + e.getMessage());
    }
    int lineNo = 0;
    for (String line : log.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = CliFleet.parse(line);
      if (event == null || !event.isObject()) {
        violations.add("line " + lineNo + " of the git event log does not parse: " + line);
        continue;
      }
      counts.merge(event.path("card").asText(), 1, Integer::sum);
    }
    reported.forEach(
        (card, ok) -> {
          int n = counts.getOrDefault(card, 0);
          if (ok && n != 1) {
            violations.add("recorded " + card + " is in the git event log " + n + " times");
          } else if (!ok && n > 1) {
            violations.add("killed record " + card + " is in the git event log " + n + " times");
          }
        });
    return stats.result(COORD, "git", violations, records + " records");
  }

  private static String git(CliRunner cli, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cli.workDir().toFile());
    pb.redirectErrorStream(true);
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("GIT_CONFIG_GLOBAL", cli.workDir().resolveSibling("gitconfig").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
