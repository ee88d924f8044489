package dev.backlog.chaos.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the CLI's runnable jar as worker processes with one backlog home, one working directory
 * and one environment. Every line any process writes is kept in {@link OutputLog}, so that a run
 * can be searched for planted secrets afterwards.
 *
 * <p>Thread-safe once configured.
 */
public final class CliRunner {

  /** What a finished process left behind; {@code exit} is -9 for a process the driver killed. */
  public record Result(int exit, String out, String err, boolean killed) {
    /** Whether the command succeeded. */
    public boolean ok() {
      return exit == 0;
    }
  }

  private final Path jar;
  private final Path workDir;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private final OutputLog log;

  /** A runner for {@code jar} in {@code workDir}, recording output into {@code log}. */
  public CliRunner(Path jar, Path workDir, OutputLog log) {
    this.jar = jar.toAbsolutePath();
    this.workDir = workDir.toAbsolutePath();
    this.log = log;
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets an environment variable for every process. */
  public CliRunner env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Adds a JVM option for every process (for example {@code -Xmx64m}). */
  public CliRunner jvm(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** The working directory of the processes. */
  public Path workDir() {
    return workDir;
  }

  /** Starts {@code backlog args…} without waiting. */
  public Running start(String... args) {
    ProcessBuilder pb = builder(args);
    try {
      // the driver's own captures, in the temp directory: never on a stage's full disk
      Path out = Files.createTempFile("backlog-chaos-out-", ".txt");
      Path err = Files.createTempFile("backlog-chaos-err-", ".txt");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      Process process = pb.start();
      process.getOutputStream().close();
      return new Running(process, out, err, String.join(" ", args));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the CLI: " + e.getMessage(), e);
    }
  }

  /**
   * Starts {@code backlog args…} with its stdin and stdout as pipes for the caller (a {@code
   * backlog mcp} session) and its stderr into a file; {@link #record} its output when done.
   */
  public Process startPiped(Path stderr, String... args) {
    ProcessBuilder pb = builder(args).redirectError(stderr.toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the CLI: " + e.getMessage(), e);
    }
  }

  /** Records a process's output for the secrets search. */
  public void record(String what, String out, String err) {
    log.add("backlog " + what, out, err);
  }

  private ProcessBuilder builder(String... args) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the CLI jar "
              + jar
              + " is missing; build it with ./mvnw -B -pl backlog-cli -am -DskipTests package");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BACKLOG_") || k.equals("GITHUB_TOKEN"));
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs {@code backlog args…} and waits for it (at most two minutes). */
  public Result run(String... args) {
    return start(args).await();
  }

  /** A running CLI process. Thread-safe. */
  public final class Running {
    private final Process process;
    private final Path out;
    private final Path err;
    private final String what;
    private volatile boolean killed;

    private Running(Process process, Path out, Path err, String what) {
      this.process = process;
      this.out = out;
      this.err = err;
      this.what = what;
    }

    /** The command line after {@code backlog}. */
    public String what() {
      return what;
    }

    /** Whether it still runs. */
    public boolean alive() {
      return process.isAlive();
    }

    /** Sends SIGKILL. */
    public void kill() {
      killed = true;
      process.destroyForcibly();
    }

    /** Sends SIGTERM (the process's own shutdown runs). */
    public void terminate() {
      process.destroy();
    }

    /** What it wrote to stdout so far. */
    public String outSoFar() {
      try {
        return Files.readString(out, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    /** Waits for the end and collects the output. */
    public Result await() {
      try {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor();
          killed = true;
        }
        String o = Files.readString(out, StandardCharsets.UTF_8);
        String e = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        log.add("backlog " + what, o, e);
        return new Result(killed ? -9 : process.exitValue(), o, e, killed);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        return new Result(-9, "", "interrupted", true);
      }
    }
  }
}
