package dev.backlog.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backlog.benchmarks.internal.Options;
import dev.backlog.benchmarks.internal.Report;
import dev.backlog.benchmarks.internal.Results;
import dev.backlog.benchmarks.internal.Suite;
import dev.backlog.benchmarks.internal.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark driver: {@code backlog-bench quick|full [--million] [--pg-url URL] [--out DIR]
 * [--docs DIR]}. Runs the scenarios on embedded H2 and PostgreSQL (an embedded server unless a URL
 * is given, also through {@code BACKLOG_BENCH_PG_URL}), writes {@code results.json},
 * {@code benchmarks.md} and its plots into the output directory (and the report into
 * {@code --docs} as well), and prints each target's verdict.
 *
 * <p>Not thread-safe: one run per call.
 */
public final class BacklogBench {

  private BacklogBench() {
  }

  /** Runs the driver and exits with 0 on success, 2 on bad arguments, 1 when the run failed. */
  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /**
   * Runs the driver.
   *
   * @return 0 on success, 2 on bad arguments, 1 when the run failed
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args, System.getenv("BACKLOG_BENCH_PG_URL"));
    } catch (IllegalArgumentException e) {
      err.println("backlog-bench: " + e.getMessage());
      return 2;
    }
    try {
      Results results = new Suite(options, line -> err.println("backlog-bench: " + line)).run();
      Path json = write(results, options.out());
      Path md = Report.write(results, options.out());
      out.println("results: " + json);
      out.println("report:  " + md);
      if (options.docs() != null) {
        out.println("report:  " + Report.write(results, options.docs()));
      }
      for (Target t : results.targets()) {
        out.println(String.format(Locale.ROOT, "%-13s %s (goal %s, measured %s)", t.status(), t.name(), t.goal(),
            Double.isNaN(t.measured()) ? "—" : String.format(Locale.ROOT, "%.2f", t.measured())));
      }
      return 0;
    } catch (Exception e) {
      err.println("backlog-bench: the run failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** Writes {@code results.json} into {@code dir}; returns its path. */
  public static Path write(Results results, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve("results.json");
    mapper().writeValue(json.toFile(), results);
    return json;
  }

  /** Reads a {@code results.json}. */
  public static Results read(Path json) throws IOException {
    return mapper().readValue(json.toFile(), Results.class);
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
