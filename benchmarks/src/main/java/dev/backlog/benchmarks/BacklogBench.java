package dev.backlog.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backlog.benchmarks.internal.McpThroughput;
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
 * [--docs DIR]}, or {@code backlog-bench report RESULTS.json DIR} to rewrite a report from a
 * finished run's results. Runs the scenarios on embedded H2 and PostgreSQL (an embedded server
 * unless a URL is given, also through {@code BACKLOG_BENCH_PG_URL}), writes {@code results.json},
 * {@code benchmarks.md} and its plots into the output directory (and the report into {@code --docs}
 * as well), and prints each target's verdict.
 *
 * <p>Not thread-safe: one run per call.
 */
public final class BacklogBench {

  private BacklogBench() {}

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
    if (!args.isEmpty() && args.get(0).equals("report")) {
      return report(args, out, err);
    }
    if (!args.isEmpty() && args.get(0).equals("mcp")) {
      return mcp(args, out, err);
    }
    if (!args.isEmpty() && args.get(0).equals("fleet")) {
      return fleet(args, out, err);
    }
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
        // The page's results are kept beside it, so that `report` can rewrite the page from them.
        out.println("results: " + write(results, options.docs().resolve("benchmarks")));
        out.println("report:  " + Report.write(results, options.docs()));
      }
      printTargets(results, out);
      return 0;
    } catch (Exception e) {
      err.println("backlog-bench: the run failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /**
   * {@code mcp [--seconds N] [--cli-root DIR] [--out DIR] [--docs DIR]}: claim+complete pairs per
   * second through {@code backlog mcp} (one and four stdio sessions) against the library in-process
   * on the same H2 file; prints the Markdown table and writes it to {@code OUT/mcp.md}, and with
   * {@code --docs} to {@code DOCS/benchmarks/mcp.md}, which the report appends to its page. Needs
   * the built CLI under the root (default: here).
   */
  private static int mcp(List<String> args, PrintStream out, PrintStream err) {
    long seconds = 10;
    Path root = Path.of(".");
    Path dir = Path.of("target", "bench");
    Path docs = null;
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (i + 1 >= args.size()
          || !List.of("--seconds", "--cli-root", "--out", "--docs").contains(a)) {
        err.println(
            "backlog-bench: unknown or incomplete argument '"
                + a
                + "'; usage: backlog-bench mcp [--seconds N] [--cli-root DIR] [--out DIR]"
                + " [--docs DIR]");
        return 2;
      }
      String v = args.get(++i);
      switch (a) {
        case "--seconds" -> {
          try {
            seconds = Long.parseLong(v);
          } catch (NumberFormatException e) {
            seconds = -1;
          }
          if (seconds < 1 || seconds > 600) {
            err.println(
                "backlog-bench: --seconds '" + v + "' must be a whole number from 1 to 600");
            return 2;
          }
        }
        case "--cli-root" -> root = Path.of(v);
        case "--docs" -> docs = Path.of(v);
        default -> dir = Path.of(v);
      }
    }
    McpThroughput.Result result =
        McpThroughput.measure(
            root,
            java.time.Duration.ofSeconds(seconds),
            line -> err.println("backlog-bench: " + line));
    out.print(result.markdown());
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("mcp.md"), result.markdown());
      out.println("report:  " + dir.resolve("mcp.md"));
      if (docs != null && result.status().equals("measured")) {
        Path section = docs.resolve(Report.MCP_MD);
        Files.createDirectories(section.getParent());
        Files.writeString(section, result.markdown());
        out.println(
            "report:  "
                + section
                + " (./backlog-bench report "
                + docs.resolve("benchmarks/results.json")
                + " "
                + docs
                + " puts it on the page)");
      }
    } catch (IOException e) {
      err.println("backlog-bench: cannot write " + dir.resolve("mcp.md") + ": " + e);
      return 1;
    }
    return result.status().equals("measured") ? 0 : 1;
  }

  /**
   * {@code fleet [--quick] [--pg-url URL] [--out DIR]}: the fleet comparison alone (single-card
   * workers with coalescing off and on, batches of 16, the ceiling, the minimal pair and
   * db-scheduler at 1, 4, 16 and 32 workers, or 1 and 16 with {@code --quick}; and H2 with
   * coalescing off and on), judged against the fleet targets; writes {@code results.json}, {@code
   * fleet.md} and its plot into the output directory.
   */
  private static int fleet(List<String> args, PrintStream out, PrintStream err) {
    List<String> rest = new java.util.ArrayList<>(args.subList(1, args.size()));
    boolean quick = rest.remove("--quick");
    if (rest.contains("--docs") || rest.contains("--million") || rest.contains("--cli-root")) {
      err.println(
          "backlog-bench: fleet takes only --quick, --pg-url URL and --out DIR; its section is"
              + " not a whole page, so it has no --docs");
      return 2;
    }
    rest.add(0, quick ? "quick" : "full");
    if (!rest.contains("--out")) {
      rest.add("--out");
      rest.add(Path.of("target", "bench-fleet").toString());
    }
    Options options;
    try {
      options = Options.parse(rest, System.getenv("BACKLOG_BENCH_PG_URL"));
    } catch (IllegalArgumentException e) {
      err.println("backlog-bench: " + e.getMessage().replace(Options.USAGE, FLEET_USAGE));
      return 2;
    }
    try {
      Results results =
          dev.backlog.benchmarks.internal.FleetRun.run(
              options, line -> err.println("backlog-bench: " + line));
      out.println("results: " + write(results, options.out()));
      out.println(
          "report:  " + dev.backlog.benchmarks.internal.FleetRun.write(results, options.out()));
      printTargets(results, out);
      return 0;
    } catch (Exception e) {
      err.println("backlog-bench: the fleet run failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** One line per target: status, name, goal and measured ratio. */
  private static void printTargets(Results results, PrintStream out) {
    for (Target t : results.targets()) {
      out.println(
          String.format(
              Locale.ROOT,
              "%-13s %s (goal %s, measured %s)",
              t.status(),
              t.name(),
              t.goal(),
              Double.isNaN(t.measured()) ? "—" : String.format(Locale.ROOT, "%.2f", t.measured())));
    }
  }

  private static final String FLEET_USAGE =
      "usage: backlog-bench fleet [--quick] [--pg-url URL] [--out DIR]";

  /**
   * {@code report RESULTS.json DIR}: judges the targets again from the measurements of a finished
   * run and writes {@code DIR/benchmarks.md} and its plots, without measuring anything.
   */
  private static int report(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() != 3) {
      err.println("backlog-bench: usage: backlog-bench report RESULTS.json DIR");
      return 2;
    }
    try {
      Results old = read(Path.of(args.get(1)));
      Options options =
          Options.parse(List.of(old.mode().startsWith("full") ? "full" : "quick"), null);
      Results judged =
          new Results(
              old.mode(),
              old.startedAt(),
              old.wallSeconds(),
              old.machine(),
              old.measurements(),
              dev.backlog.benchmarks.internal.Targets.judge(old, options),
              old.cli(),
              old.notes(),
              old.loadAtStart(),
              old.loadAtEnd(),
              old.othersCpuShare());
      out.println("report:  " + Report.write(judged, Path.of(args.get(2))));
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("backlog-bench: cannot write the report from " + args.get(1) + ": " + e);
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
