package dev.backlog.chaos.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One store a scenario runs on: the default H2 file under a fresh backlog home, or a fresh schema
 * of the run's PostgreSQL server; a project directory whose config mirrors to the local tracker;
 * the CLI set up for both.
 *
 * <p>Not thread-safe.
 */
public final class Stage {

  /** The H2 file's row label in the report. */
  public static final String H2 = "H2 file";

  /** PostgreSQL's row label in the report. */
  public static final String PG = "PostgreSQL";

  /**
   * A GitHub token planted in the environment of every CLI process (the local tracker never uses
   * it; no output may show it).
   */
  public static final String PLANTED_GITHUB_TOKEN = "ghp_ChaosPlantedToken5c1d0e9a7b3f";

  private final String store;
  private final Path home;
  private final String pgUrl;
  private final CliRunner cli;

  private Stage(String store, Path home, String pgUrl, CliRunner cli) {
    this.store = store;
    this.home = home;
    this.pgUrl = pgUrl;
    this.cli = cli;
  }

  /** A stage on the default H2 file under {@code dir/home}. */
  public static Stage h2(Path dir, Path cliJar, OutputLog log) {
    return create(H2, dir, dir.resolve("home"), null, cliJar, log);
  }

  /** A stage on a fresh schema of {@code pg}. */
  public static Stage pg(Path dir, PgServer pg, String label, Path cliJar, OutputLog log) {
    Stage stage = create(PG, dir, dir.resolve("home"), pg.freshSchema(label), cliJar, log);
    stage
        .cli()
        .env("BACKLOG_DB_URL", pg.cliUrl(stage.pgUrl))
        .env("BACKLOG_DB_USER", "postgres")
        .env("BACKLOG_DB_PASSWORD", pg.password());
    return stage;
  }

  private static Stage create(
      String store, Path dir, Path home, String pgUrl, Path cliJar, OutputLog log) {
    CliRunner cli = new CliRunner(cliJar, dir.resolve("project"), log);
    cli.env("BACKLOG_HOME", home.toString())
        .env("BACKLOG_ACTOR", "chaos")
        .env("GITHUB_TOKEN", PLANTED_GITHUB_TOKEN);
    if (pgUrl != null) {
      cli.env("BACKLOG_DB_URL", pgUrl);
    }
    try {
      Path config = cli.workDir().resolve(".backlog/config.json");
      Files.createDirectories(config.getParent());
      Files.createDirectories(home);
      Files.writeString(
          config,
          "{\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":\"tracker\"}}}",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Stage(store, home, pgUrl, cli);
  }

  /** The report's label of the store. */
  public String store() {
    return store;
  }

  /** The CLI, set up for this stage. */
  public CliRunner cli() {
    return cli;
  }

  /** The backlog home. */
  public Path home() {
    return home;
  }

  /** The local tracker's root. */
  public Path trackerRoot() {
    return cli.workDir().resolve("tracker");
  }

  /** The arguments and environment of a {@link HostWorkerMain} on this stage. */
  public List<String> hostArgs() {
    return pgUrl == null ? List.of("h2", home.toString()) : List.of("pg");
  }

  /** The environment of a {@link HostWorkerMain} on this stage. */
  public Map<String, String> hostEnv() {
    return pgUrl == null ? Map.of() : Map.of("CHAOS_PG_URL", pgUrl);
  }

  /** Imports a plan through the CLI, without faults; fails when the CLI refuses it. */
  public void seed(Path plan) {
    CliRunner.Result r = cli.run("import", plan.toString(), "--json");
    if (!r.ok()) {
      throw new IllegalStateException("seeding the plan failed: exit " + r.exit() + " " + r.err());
    }
  }

  /** Opens the store in this process, for the invariant checks. */
  public JdbcBacklogStore open() {
    JdbcBacklogStore.Builder b = JdbcBacklogStore.builder();
    if (pgUrl == null) {
      b.sharedH2File(H2SharedFile.of(home, H2SharedFile.Mode.LONG_RUNNING));
    } else {
      b.url(pgUrl);
    }
    return b.build();
  }

  /**
   * Checks the invariants from the store (and the tracker files when {@code tracker}): opens the
   * store afresh, which is itself the check that it reopens.
   */
  public List<String> check(Set<CardId> drained, boolean tracker) {
    List<String> violations = new ArrayList<>();
    try (JdbcBacklogStore s = open();
        Backlog backlog = Backlog.builder().store(s).build()) {
      violations.addAll(Invariants.check(backlog, s, drained, store.equals(H2)).violations());
      if (tracker) {
        violations.addAll(TrackerCheck.check(trackerRoot(), backlog));
      }
    } catch (RuntimeException e) {
      violations.add("the store does not reopen: " + e);
    }
    return violations;
  }
}
