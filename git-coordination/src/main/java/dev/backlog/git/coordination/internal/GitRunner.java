package dev.backlog.git.coordination.internal;

import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the git CLI safely: stdout and stderr drained concurrently, stdin closed, a timeout that
 * kills git and every descendant (hooks, helpers), {@code LC_ALL=C}, {@code GIT_TERMINAL_PROMPT=0},
 * and the inherited variables that would redirect git to another repository removed (so a call made
 * from inside another repository's hook never touches that repository).
 *
 * <p>Immutable and thread-safe.
 */
public final class GitRunner {

  private static final Logger LOG = LoggerFactory.getLogger(GitRunner.class);

  /** Inherited variables that point git at another repository, index, object store or config. */
  public static final Set<String> REDIRECTING =
      Set.of(
          "GIT_DIR",
          "GIT_WORK_TREE",
          "GIT_INDEX_FILE",
          "GIT_OBJECT_DIRECTORY",
          "GIT_ALTERNATE_OBJECT_DIRECTORIES",
          "GIT_COMMON_DIR",
          "GIT_NAMESPACE",
          "GIT_PREFIX",
          "GIT_INTERNAL_SUPER_PREFIX",
          "GIT_QUARANTINE_PATH",
          "GIT_REPLACE_REF_BASE",
          "GIT_GRAFT_FILE",
          "GIT_SHALLOW_FILE",
          "GIT_CONFIG",
          "GIT_CONFIG_PARAMETERS",
          "GIT_CONFIG_COUNT",
          "GIT_DISCOVERY_ACROSS_FILESYSTEM",
          "GIT_LITERAL_PATHSPECS",
          "GIT_GLOB_PATHSPECS",
          "GIT_NOGLOB_PATHSPECS",
          "GIT_ICASE_PATHSPECS",
          "GIT_EDITOR",
          "GIT_SEQUENCE_EDITOR",
          "GIT_REFLOG_ACTION",
          "GIT_EXEC_PATH");

  private final String executable;
  private final Duration timeout;
  private final Map<String, String> environment;
  private final String locale;

  /**
   * Creates a runner.
   *
   * @param executable the git executable (a name on PATH or a path)
   * @param timeout how long one call may run before it is killed with its descendants
   * @param environment variables set for every call after the inherited ones were cleaned (for
   *     example {@code GIT_CONFIG_GLOBAL}); {@code LC_ALL} and {@code GIT_TERMINAL_PROMPT} are set
   *     last
   * @param locale the value of {@code LC_ALL} ({@code C} in production; empty leaves the inherited
   *     locale, which only tests use to prove that outcomes never depend on git's language)
   */
  public GitRunner(
      String executable, Duration timeout, Map<String, String> environment, String locale) {
    this.executable = Objects.requireNonNull(executable, "executable");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.environment = Map.copyOf(environment);
    this.locale = Objects.requireNonNull(locale, "locale");
  }

  /** A runner with another timeout and the same environment. */
  public GitRunner withTimeout(Duration newTimeout) {
    return new GitRunner(executable, newTimeout, environment, locale);
  }

  /** The per-call timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** The variables a child process of this runner should see (used for git and merge drivers). */
  public Map<String, String> childEnvironment(Map<String, String> inherited) {
    Map<String, String> env = new LinkedHashMap<>(inherited);
    env.keySet()
        .removeIf(
            k ->
                REDIRECTING.contains(k)
                    || k.startsWith("GIT_CONFIG_KEY_")
                    || k.startsWith("GIT_CONFIG_VALUE_"));
    env.putAll(environment);
    if (locale.isEmpty()) {
      env.remove("LC_ALL");
    } else {
      env.put("LC_ALL", locale);
    }
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_ASKPASS", "true");
    env.put("GCM_INTERACTIVE", "never");
    return env;
  }

  /** Runs git in {@code dir}; see {@link #run(Path, Consumer, List)}. */
  public GitResult run(Path dir, String... args) {
    return run(dir, p -> {}, Arrays.asList(args));
  }

  /** Runs git in {@code dir}; see {@link #run(Path, Consumer, List)}. */
  public GitResult run(Path dir, List<String> args) {
    return run(dir, p -> {}, args);
  }

  /**
   * Runs git in {@code dir} and waits for it, at most the timeout.
   *
   * @param onStart told the process handle as soon as git started (to journal its pid)
   * @return the result; a non-zero exit is a result, not an exception
   * @throws GitCoordinationException when git cannot be started at all
   */
  public GitResult run(Path dir, Consumer<ProcessHandle> onStart, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    Map<String, String> wanted = childEnvironment(Map.copyOf(env));
    env.clear();
    env.putAll(wanted);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_UNAVAILABLE,
          "cannot run '"
              + executable
              + "' in "
              + dir
              + ": "
              + e.getMessage()
              + "; install git 2.25 or later or set the git executable"
              + " in CoordinationConfig",
          e);
    }
    Drain out = new Drain(process.getInputStream());
    Drain err = new Drain(process.getErrorStream());
    out.start();
    err.start();
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      LOG.debug("closing stdin of git failed", e);
    }
    onStart.accept(process.toHandle());
    boolean timedOut = false;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut = true;
        LOG.warn("git {} ran longer than {}; killing it and its descendants", args, timeout);
        ProcessTrees.killTree(process.toHandle(), Duration.ofSeconds(5));
      }
      out.join(10_000);
      err.join(10_000);
    } catch (InterruptedException e) {
      ProcessTrees.killTree(process.toHandle(), Duration.ofSeconds(5));
      Thread.currentThread().interrupt();
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED,
          "interrupted while waiting for 'git "
              + String.join(" ", args)
              + "'; git and its descendants were killed",
          e);
    }
    int code = timedOut ? -1 : process.exitValue();
    GitResult result =
        new GitResult(
            args, code, out.bytes(), new String(err.bytes(), StandardCharsets.UTF_8), timedOut);
    if (LOG.isDebugEnabled()) {
      LOG.debug("git {} in {} -> {}", args, dir, timedOut ? "timeout" : code);
    }
    return result;
  }

  /** Runs git and returns the result when it exited with 0, else throws with git's description. */
  public GitResult require(Path dir, String... args) {
    return require(dir, Arrays.asList(args));
  }

  /** Runs git and returns the result when it exited with 0, else throws with git's description. */
  public GitResult require(Path dir, List<String> args) {
    GitResult r = run(dir, args);
    if (r.timedOut()) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_TIMEOUT,
          r.describe()
              + " in "
              + dir
              + "; it ran longer than "
              + timeout
              + ", raise the git timeout or find what blocks it");
    }
    if (!r.ok()) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe() + " in " + dir);
    }
    return r;
  }

  /** Reads and parses {@code git version}. */
  public GitVersion version(Path dir) {
    GitResult r = require(dir, "version");
    return GitVersion.parse(r.text());
  }

  private static final class Drain extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    Drain(InputStream in) {
      super("git-output-drain");
      setDaemon(true);
      this.in = in;
    }

    @Override
    public void run() {
      byte[] chunk = new byte[8192];
      try (InputStream s = in) {
        int n;
        while ((n = s.read(chunk)) >= 0) {
          synchronized (buffer) {
            buffer.write(chunk, 0, n);
          }
        }
      } catch (IOException e) {
        // the stream closes when the process is killed at the timeout; what was read is kept
        LOG.debug("git output stream closed: {}", e.getMessage());
      }
    }

    byte[] bytes() {
      synchronized (buffer) {
        return buffer.toByteArray();
      }
    }
  }
}
