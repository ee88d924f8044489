package dev.backlog.benchmarks.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The driver's settings, parsed from its command line.
 *
 * @param full whether to run the full matrix (else the quick one)
 * @param million whether to add the 1,000,000-card backlog
 * @param pgUrl a PostgreSQL JDBC URL with credentials, or null to start an embedded server
 * @param out where results.json, the report and its plots go
 * @param docs where to write benchmarks.md and benchmarks/*.png as well, or null
 * @param cliRoot the repository root to look for the CLI in, or null to skip the CLI timing
 */
public record Options(
    boolean full, boolean million, String pgUrl, Path out, Path docs, Path cliRoot) {

  /** The usage line. */
  public static final String USAGE =
      "usage: backlog-bench quick|full [--million] [--pg-url URL] [--out DIR]"
          + " [--docs DIR] [--cli-root DIR]";

  /** Validates the settings. */
  public Options {
    Objects.requireNonNull(out, "out");
  }

  /**
   * Parses the arguments; {@code pgUrlFromEnvironment} is {@code BACKLOG_BENCH_PG_URL} (may be
   * null).
   *
   * @throws IllegalArgumentException listing every problem, with the usage line
   */
  public static Options parse(List<String> args, String pgUrlFromEnvironment) {
    List<String> problems = new ArrayList<>();
    Boolean full = null;
    boolean million = false;
    String pg =
        pgUrlFromEnvironment == null || pgUrlFromEnvironment.isBlank()
            ? null
            : pgUrlFromEnvironment;
    Path out = Path.of("target", "bench");
    Path docs = null;
    Path cliRoot = Path.of(".");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "quick", "full" -> {
          if (full != null) {
            problems.add("mode given twice ('" + a + "'); give quick or full once");
          }
          full = a.equals("full");
        }
        case "--million" -> million = true;
        case "--pg-url", "--out", "--docs", "--cli-root" -> {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            problems.add(a + " needs a value");
            continue;
          }
          String v = args.get(++i);
          switch (a) {
            case "--pg-url" -> {
              if (!v.startsWith("jdbc:postgresql:")) {
                problems.add(
                    "--pg-url must be a jdbc:postgresql: URL; got one starting '"
                        + v.substring(0, Math.min(v.length(), 16))
                        + "'");
              }
              pg = v;
            }
            case "--out" -> out = Path.of(v);
            case "--docs" -> docs = Path.of(v);
            default -> cliRoot = Path.of(v);
          }
        }
        case "--no-cli" -> cliRoot = null;
        default -> problems.add("unknown argument '" + a + "'");
      }
    }
    if (full == null) {
      problems.add("no mode given; give quick or full");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems) + "\n" + USAGE);
    }
    return new Options(full, million, pg, out, docs, cliRoot);
  }

  /** How long each timed scenario runs. */
  public Duration scenarioTime() {
    return full ? Duration.ofSeconds(8) : Duration.ofSeconds(3);
  }

  /** How many rotated rounds each system runs ({@code RotatedRounds}). */
  public int rotatedRounds() {
    return full ? 4 : 2;
  }

  /** How long each rotated round runs. */
  public Duration rotatedRound() {
    return full ? Duration.ofSeconds(2) : Duration.ofMillis(750);
  }

  /** The worker counts of the throughput scenarios. */
  public List<Integer> workerCounts() {
    return full ? List.of(1, 2, 4, 8, 16, 32) : List.of(1, 4);
  }

  /** The worker counts of the fleet comparison (ours, the ceiling, the minimal pair, the peer). */
  public List<Integer> fleetWorkerCounts() {
    return full ? List.of(1, 4, 16, 32) : List.of(1, 16);
  }

  /** The mode as written in the results. */
  public String modeName() {
    return (full ? "full" : "quick") + (million ? "+million" : "");
  }

  /** The external PostgreSQL URL, if one was given. */
  public Optional<String> externalPg() {
    return Optional.ofNullable(pgUrl);
  }
}
