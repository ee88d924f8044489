package dev.backlog.cli.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a command needs during one run: the resolved settings, the backlog (opened on first use),
 * the output streams and the output mode. Not thread-safe; one per run.
 */
final class Context implements AutoCloseable {

  private final Cli cli;
  private final RootCommand root;
  private Settings settings;
  private Backlog backlog;

  Context(Cli cli, RootCommand root) {
    this.cli = cli;
    this.root = root;
    if (root.verbose) {
      LogLevels.debug();
    }
  }

  boolean json() {
    return root.json;
  }

  PrintStream out() {
    return cli.out();
  }

  PrintStream err() {
    return cli.err();
  }

  Map<String, String> env() {
    return cli.env();
  }

  Path workingDir() {
    return cli.workingDir();
  }

  StoreOpener opener() {
    return cli.opener();
  }

  Redaction redaction() {
    return settings == null ? Redaction.none() : settings.redaction();
  }

  /** Prints the JSON text with --json, else the human text. */
  void emit(Supplier<String> json, Supplier<String> human) {
    String text = json() ? json.get() : human.get();
    out().println(text);
    out().flush();
  }

  /** The settings after precedence: flags, environment, project config, home config, defaults. */
  Settings settings() {
    if (settings == null) {
      settings = resolve();
      Logger log = LoggerFactory.getLogger(Context.class);
      if (log.isDebugEnabled()) {
        log.debug("settings: {} (from {})", settings, settings.sources());
      }
    }
    return settings;
  }

  /**
   * The backlog, opened on first use with a small pool (one command, one connection at a time),
   * shared with other processes while the command runs: for commands that may run long.
   */
  Backlog backlog() {
    return opened(false);
  }

  /**
   * The backlog for a short command, one that ends within a second or so and never waits for other
   * processes' work: opened on first use, and on the default H2 file kept to this process while it
   * runs, which opens faster (see {@link JdbcStoreOpener} and {@link
   * dev.backlog.jdbc.H2SharedFile}).
   */
  Backlog briefBacklog() {
    return opened(true);
  }

  private Backlog opened(boolean brief) {
    if (backlog == null) {
      backlog = open(settings(), 2, brief);
    }
    return backlog;
  }

  /** Opens a backlog on the given settings; the caller closes it. */
  Backlog open(Settings at, int maxPoolSize, boolean brief) {
    var store = opener().open(at, maxPoolSize, brief);
    try {
      return Backlog.builder().store(store).actor(at.actor()).build();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private Settings resolve() {
    List<String> sources = new ArrayList<>();
    Map<String, String> env = env();
    Path home;
    Optional<ConfigFile> project;
    if (root.home != null) {
      home = workingDir().resolve(root.home);
      sources.add("home: --home");
      project = ConfigFile.project(workingDir(), home);
    } else if (nonBlank(env.get("BACKLOG_HOME")) != null) {
      home = workingDir().resolve(env.get("BACKLOG_HOME"));
      sources.add("home: BACKLOG_HOME");
      project = ConfigFile.project(workingDir(), home);
    } else {
      Path defaultHome = Path.of(System.getProperty("user.home"), ".backlog");
      project = ConfigFile.project(workingDir(), defaultHome);
      Optional<String> fromProject = project.flatMap(p -> p.get("home"));
      if (fromProject.isPresent()) {
        home = project.get().path().getParent().getParent().resolve(fromProject.get());
        sources.add("home: " + project.get().path());
      } else {
        home = defaultHome;
        sources.add("home: default");
      }
    }
    home = home.toAbsolutePath().normalize();
    Optional<ConfigFile> homeConfig = ConfigFile.home(home);
    String db =
        pick("db", root.db, "--db", env, "BACKLOG_DB_URL", project, homeConfig, null, sources);
    String user =
        pick(
            "dbUser",
            root.dbUser,
            "--db-user",
            env,
            "BACKLOG_DB_USER",
            project,
            homeConfig,
            null,
            sources);
    String password =
        pick(
            "dbPassword",
            null,
            null,
            env,
            "BACKLOG_DB_PASSWORD",
            project,
            homeConfig,
            null,
            sources);
    String actor =
        pick(
            "actor",
            root.actor,
            "--actor",
            env,
            "BACKLOG_ACTOR",
            project,
            homeConfig,
            System.getProperty("user.name", Backlog.DEFAULT_ACTOR),
            sources);
    if (root.db != null && root.db.isBlank()) {
      throw new InvalidInputException(
          List.of(
              new Violation(
                  "db",
                  "--db is blank; give a JDBC URL such as jdbc:h2:/path/to/file, or leave it out for the default H2 file")));
    }
    return new Settings(home, db, user, password, actor, String.join(", ", sources));
  }

  private static String pick(
      String key,
      String flag,
      String flagName,
      Map<String, String> env,
      String envName,
      Optional<ConfigFile> project,
      Optional<ConfigFile> home,
      String fallback,
      List<String> sources) {
    if (flag != null) {
      sources.add(key + ": " + flagName);
      return flag;
    }
    String fromEnv = nonBlank(env.get(envName));
    if (fromEnv != null) {
      sources.add(key + ": " + envName);
      return fromEnv;
    }
    for (Optional<ConfigFile> file : List.of(project, home)) {
      if (file.isPresent() && file.get().get(key).isPresent()) {
        sources.add(key + ": " + file.get().path());
        return file.get().get(key).get();
      }
    }
    if (fallback != null) {
      sources.add(key + ": default");
    }
    return fallback;
  }

  private static String nonBlank(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Throws when the backlog has not been configured in a way the command needs. */
  static BacklogException usage(String message) {
    return new BacklogException(CliErrorCode.USAGE, message);
  }

  @Override
  public void close() {
    if (backlog != null) {
      backlog.close();
      backlog = null;
    }
  }
}
