package dev.backlog.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backlog.chaos.internal.ChaosRun;
import dev.backlog.chaos.internal.Profile;
import dev.backlog.chaos.internal.Report;
import dev.backlog.chaos.internal.Results;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The chaos and soak driver: {@code quick|full [--minutes N] [--out DIR] [--docs DIR] [--cli-jar
 * JAR] [--seed N]}, or {@code report RESULTS.json DIR} to rewrite a report from a finished run.
 * Runs every scenario, writes {@code results.json} and {@code reliability.md} (with the soak plot)
 * to {@code --out}, and also to {@code --docs} when given; exits 0 when no invariant was violated,
 * 1 when one was, 2 on bad arguments. Timings never fail a run.
 */
public final class BacklogChaos {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BacklogChaos() {}

  /** Runs the driver and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** Runs the driver; returns the exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (!args.isEmpty() && args.get(0).equals("report")) {
      if (args.size() != 3) {
        err.println("usage: backlog-chaos report RESULTS.json DIR");
        return 2;
      }
      try {
        Report.write(read(Path.of(args.get(1))), Path.of(args.get(2)));
        return 0;
      } catch (IOException e) {
        err.println("backlog-chaos: cannot rewrite the report: " + e.getMessage());
        return 1;
      }
    }
    String mode = null;
    Integer minutes = null;
    Path outDir = Path.of("target/chaos");
    Path docs = null;
    Path cliJar = Path.of("backlog-cli/target/backlog.jar");
    long seed = System.nanoTime();
    java.util.Set<String> only = new java.util.LinkedHashSet<>();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "quick", "full" -> mode = a;
          case "--minutes" -> minutes = Integer.parseInt(value(args, ++i, a));
          case "--out" -> outDir = Path.of(value(args, ++i, a));
          case "--docs" -> docs = Path.of(value(args, ++i, a));
          case "--cli-jar" -> cliJar = Path.of(value(args, ++i, a));
          case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
          case "--only" -> only.addAll(List.of(value(args, ++i, a).split(",")));
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      if (mode == null) {
        throw new IllegalArgumentException("name a mode: quick or full");
      }
      for (String k : only) {
        if (!ChaosRun.SCENARIOS.contains(k)) {
          throw new IllegalArgumentException(
              "--only names an unknown scenario '"
                  + k
                  + "'; name some of "
                  + String.join(", ", ChaosRun.SCENARIOS));
        }
      }
      if (minutes != null && (minutes < 1 || minutes > 24 * 60)) {
        throw new IllegalArgumentException("--minutes must be 1 to 1440, was " + minutes);
      }
    } catch (IllegalArgumentException e) {
      err.println(
          "backlog-chaos: "
              + e.getMessage()
              + "\nusage: backlog-chaos quick|full [--minutes N] [--out DIR] [--docs DIR]"
              + " [--cli-jar JAR] [--seed N] [--only "
              + String.join(",", ChaosRun.SCENARIOS)
              + "]");
      return 2;
    }
    Profile profile =
        mode.equals("quick")
            ? (minutes == null ? Profile.quick() : withMinutes(Profile.quick(), minutes))
            : Profile.full(minutes == null ? 10 : minutes);
    err.println("backlog-chaos: " + mode + " run, seed " + seed);
    try {
      Files.createDirectories(outDir);
      Path work = Files.createTempDirectory("backlog-chaos-");
      ChaosRun run = new ChaosRun(profile, cliJar, work, seed, err).only(only);
      Results results = run.run();
      write(results, outDir);
      run.output().writeTo(outDir.resolve("output.log"));
      if (docs != null) {
        Report.write(results, docs);
      }
      err.println(
          "backlog-chaos: "
              + results.violations()
              + " invariant violations; report in "
              + outDir.resolve("reliability.md"));
      deleteQuietly(work);
      return results.violations() == 0 ? 0 : 1;
    } catch (IOException e) {
      err.println("backlog-chaos: cannot write the results: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("backlog-chaos: interrupted");
      return 1;
    }
  }

  /** Writes {@code results.json} and the report into {@code dir}. */
  public static void write(Results results, Path dir) throws IOException {
    JSON.writeValue(dir.resolve("results.json").toFile(), results);
    Report.write(results, dir);
  }

  /** Reads a run's {@code results.json}. */
  public static Results read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), Results.class);
  }

  private static Profile withMinutes(Profile p, int minutes) {
    return p.withSoak(java.time.Duration.ofMinutes(minutes), java.time.Duration.ofMinutes(1));
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // scratch space under the temp dir; what is left goes with it
    }
  }
}
