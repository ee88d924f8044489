package dev.backlog.benchmarks.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Times the real {@code backlog claim --json} command on a warm H2 file: the repository's {@code
 * ./backlog} launcher when it and the CLI jar are there (never building), else the jar itself;
 * reports "not measured" with the reason when neither runs.
 *
 * <p>Stateless and thread-safe.
 */
public final class CliTiming {

  /** Timed runs after the warm-up. */
  static final int RUNS = 11;

  /** Timed runs in the quick mode. */
  static final int QUICK_RUNS = 5;

  private CliTiming() {}

  /**
   * The CLI timing.
   *
   * @param status {@code measured} or {@code not measured}
   * @param medianSeconds the median wall time (NaN when not measured)
   * @param runsSeconds every timed run
   * @param command how the CLI was run, without paths of the machine
   * @param reason why it was not measured, or a remark
   */
  public record Result(
      String status,
      double medianSeconds,
      List<Double> runsSeconds,
      String command,
      String reason) {
    /** Validates the result. */
    public Result {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(command, "command");
      runsSeconds = List.copyOf(runsSeconds);
      reason = reason == null ? "" : reason;
    }

    static Result notMeasured(String command, String reason) {
      return new Result("not measured", Double.NaN, List.of(), command, reason);
    }
  }

  /** Times the CLI found under {@code root}, or says why it could not. */
  public static Result measure(Path root, boolean full) {
    int runs = full ? RUNS : QUICK_RUNS;
    if (root == null) {
      return Result.notMeasured("-", "skipped with --no-cli");
    }
    Path jar = root.resolve("backlog-cli/target/backlog.jar");
    Path launcher = root.resolve("backlog");
    if (!Files.isRegularFile(jar)) {
      return Result.notMeasured(
          "backlog claim --json",
          "the CLI jar backlog-cli/target/backlog.jar is missing;"
              + " build the CLI first (./backlog builds it on first use, or ./mvnw -pl backlog-cli -am package)");
    }
    List<String> base = new ArrayList<>();
    String shown;
    if (Files.isExecutable(launcher)) {
      base.add(launcher.toAbsolutePath().toString());
      shown = "./backlog";
    } else {
      base.addAll(
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-jar",
              jar.toAbsolutePath().toString()));
      shown = "java -jar backlog-cli/target/backlog.jar";
    }
    Path home = null;
    try {
      home = Files.createTempDirectory("backlog-bench-cli");
      List<String> claim =
          List.of("--home", home.toString(), "--json", "claim", "--owner", "bench");
      String command = shown + " --home <tmp> --json claim --owner bench";
      Outcome first =
          run(
              base,
              List.of(
                  "--home",
                  home.toString(),
                  "--json",
                  "create",
                  "--id",
                  "WARM",
                  "--title",
                  "warm-up"),
              home);
      if (first.exit != 0) {
        return Result.notMeasured(
            command, "the CLI's create failed (exit " + first.exit + "): " + first.output);
      }
      seed(home);
      for (int i = 0; i < 2; i++) {
        Outcome warm = run(base, claim, home);
        if (warm.exit != 0) {
          return Result.notMeasured(
              command, "the CLI's claim failed (exit " + warm.exit + "): " + warm.output);
        }
      }
      double[] times = new double[runs];
      boolean claimedSeeded = false;
      for (int i = 0; i < runs; i++) {
        Outcome o = run(base, claim, home);
        if (o.exit != 0) {
          return Result.notMeasured(
              command, "the CLI's claim failed (exit " + o.exit + "): " + o.output);
        }
        claimedSeeded |= o.output.contains("CLI-");
        times[i] = o.seconds;
      }
      List<Double> list = Arrays.stream(times).boxed().toList();
      double[] sorted = times.clone();
      Arrays.sort(sorted);
      return new Result(
          "measured",
          sorted[runs / 2],
          list,
          command,
          claimedSeeded
              ? ""
              : "the claims returned no seeded card: the CLI may not use the store's default H2 file under --home");
    } catch (IOException | RuntimeException e) {
      return Result.notMeasured(shown, "the CLI could not be run: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.notMeasured(shown, "interrupted");
    } finally {
      if (home != null) {
        deleteTree(home);
      }
    }
  }

  /** Adds cards to claim through the library, into the H2 file the CLI uses by default. */
  private static void seed(Path home) {
    try (Backlog backlog =
        Backlog.builder()
            .store(JdbcBacklogStore.builder().url(JdbcBacklogStore.defaultH2Url(home)).build())
            .build()) {
      backlog.inTransaction(
          tx -> {
            for (int i = 0; i < RUNS + 10; i++) {
              tx.create(
                  NewCard.builder(CardId.of(Workers.id("CLI-", i)))
                      .title("cli timing card " + i)
                      .build());
            }
            return null;
          });
    }
  }

  private record Outcome(int exit, double seconds, String output) {}

  private static Outcome run(List<String> base, List<String> args, Path home)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(base);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
    pb.environment().remove("BACKLOG_DB_URL");
    pb.environment().remove("BACKLOG_HOME");
    pb.environment().put("BACKLOG_NO_BUILD", "1");
    Path out = Files.createTempFile(home, "out", ".txt");
    pb.redirectOutput(out.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Outcome(-1, 60, "no answer within 60 s");
    }
    long t1 = System.nanoTime();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    String shortText = text.length() > 400 ? text.substring(0, 400) + "…" : text;
    return new Outcome(p.exitValue(), (t1 - t0) / 1e9, shortText.strip());
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
