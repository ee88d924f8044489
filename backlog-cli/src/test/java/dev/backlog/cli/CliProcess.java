package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Starts the real runnable jar as a process, with its own backlog home and working directory. */
final class CliProcess {

  static final ObjectMapper JSON = new ObjectMapper();

  static final Path JAR =
      Path.of(System.getProperty("backlog.cli.jar", "target/backlog.jar")).toAbsolutePath();

  /** The launcher at the repository root; it runs the jar with a class-data-sharing archive. */
  static final Path LAUNCHER =
      Path.of(System.getProperty("backlog.launcher", "../backlog")).toAbsolutePath().normalize();

  /** What a finished process left behind. */
  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not one JSON value: " + out + "\nstderr: " + err, e);
      }
    }

    JsonNode errorJson() {
      try {
        return JSON.readTree(err);
      } catch (IOException e) {
        throw new AssertionError("stderr is not one JSON value: " + err, e);
      }
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  final Path home;
  final Path workDir;
  final Map<String, String> env = new HashMap<>();

  CliProcess(Path dir) {
    this.home = dir.resolve("home");
    this.workDir = dir.resolve("work");
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("BACKLOG_HOME", home.toString());
  }

  /** Starts {@code backlog args…} without waiting; output goes to files in the work directory. */
  Started start(String... args) {
    assertTrue(
        Files.isRegularFile(JAR), "the runnable jar " + JAR + " must be built (mvn package) first");
    assertTrue(Files.isExecutable(LAUNCHER), "the launcher " + LAUNCHER + " must exist");
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    return launch(command);
  }

  /**
   * Runs a test-scope main class on the runnable jar plus the test classes (so it drives the same
   * code as the launcher, with a seam of its own installed), with this process's environment.
   */
  Result runMain(Class<?> main, String... args) {
    assertTrue(
        Files.isRegularFile(JAR), "the runnable jar " + JAR + " must be built (mvn package) first");
    Path testClasses;
    try {
      testClasses = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                JAR + java.io.File.pathSeparator + testClasses,
                main.getName()));
    command.addAll(List.of(args));
    return launch(command).await();
  }

  private Started launch(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BACKLOG_"));
    // The build just made the jar: the launcher must run it, not rebuild it.
    pb.environment().put("BACKLOG_NO_BUILD", "1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    try {
      Path out = Files.createTempFile(workDir, "out-", ".txt");
      Path err = Files.createTempFile(workDir, "err-", ".txt");
      pb.redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      Process process = pb.start();
      process.getOutputStream().close();
      return new Started(process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code backlog args…} and waits for it. */
  Result run(String... args) {
    return start(args).await();
  }

  /** A running process. */
  record Started(Process process, Path out, Path err) {
    Result await() {
      try {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              "backlog did not finish within 120 s; stderr: "
                  + Files.readString(err, StandardCharsets.UTF_8));
        }
        Result result =
            new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return result;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
