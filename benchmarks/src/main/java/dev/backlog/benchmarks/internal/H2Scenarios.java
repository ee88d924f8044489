package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.SMALL_DONE;
import static dev.backlog.benchmarks.internal.ScenarioSteps.commitsPerCard;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.loadMigrated;
import static dev.backlog.benchmarks.internal.ScenarioSteps.measure;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;
import static dev.backlog.benchmarks.internal.ScenarioSteps.workerCommits;

import dev.backlog.core.Backlog;
import dev.backlog.core.CoalescingStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The H2 scenarios: our store embedded on an H2 file, without a server, per worker count.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class H2Scenarios {

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;

  H2Scenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
  }

  /** Our store on an embedded H2 file, per worker count. */
  void run() throws Exception {
    int pool = options.full() ? 100_000 : 40_000;
    String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
    Path dir = Files.createTempDirectory("backlog-bench-h2");
    try {
      for (int w : options.full() ? options.workerCounts() : List.of(1, 2, 4)) {
        String id = "h2.ours.w" + w;
        progress.accept(id);
        String url =
            "jdbc:h2:file:" + dir.toAbsolutePath().toString().replace('\\', '/') + "/w" + w;
        loadMigrated(url, l -> doneAndReady(l, SMALL_DONE, pool, 0));
        try (Backlog warm = openBacklog(url, w)) {
          LoadDriver.run(w, steps.warmup(), i -> Workers.ours(warm, "w" + i, 1));
        }
        LoadDriver.Run run;
        try (Backlog backlog2 = openBacklog(url, w)) {
          run =
              RefilledRounds.run(
                  w,
                  options.scenarioTime(),
                  new ReadyPool(backlog2, pool, "P"),
                  i -> Workers.ours(backlog2, "w" + i, 1),
                  id);
        }
        steps.add(
            measure(
                id,
                "h2",
                "ours",
                "H2",
                w,
                1,
                backlog,
                run,
                workerCommits(run),
                "embedded in-process H2 file; "
                    + RefilledRounds.ROUNDS
                    + " rounds, the pool refilled to its size before each; commits counted by the"
                    + " workers"));
      }
      int small = options.full() ? pool : 15_000;
      coalescing(dir, small, fmt(SMALL_DONE) + " done + " + fmt(small) + " ready", true);
      coalescing(dir, small, fmt(SMALL_DONE) + " done + " + fmt(small) + " ready", false);
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The coalescing comparison alone, on a file of its own. */
  void runCoalescing() throws Exception {
    int pool = options.full() ? 100_000 : 15_000;
    Path dir = Files.createTempDirectory("backlog-bench-h2");
    try {
      coalescing(dir, pool, fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready", true);
      coalescing(dir, pool, fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready", false);
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Workers of the coalescing comparison on H2. */
  static final int COALESCING_WORKERS = 8;

  /** The id of a measurement of the H2 coalescing comparison: {@code key} is off or on. */
  static String coalescingId(boolean durable, String key) {
    return "h2.coalesce" + (durable ? "" : ".delayed") + ".w" + COALESCING_WORKERS + "." + key;
  }

  /**
   * Single-card claims and completions with coalescing off and on, in rotated rounds on one H2 file
   * (two stores of one process share H2's engine). {@code durable}: the file written at every
   * commit ({@code WRITE_DELAY=0}), as the CLI, {@code backlog serve} and hosts that use {@code
   * sharedH2File} open the shared file, since with H2's default delay a write that fails later
   * drops committed changes (docs/reliability.md); else with H2's default delay (the file written
   * in the background, up to half a second after a commit), which a host gets from a plain URL.
   */
  private void coalescing(Path dir, int pool, String backlog, boolean durable) throws Exception {
    int w = COALESCING_WORKERS;
    progress.accept(
        coalescingId(durable, "off")
            + " and .on (rotated rounds on one file"
            + (durable ? ", written at every commit)" : ", H2's default write delay)"));
    String url =
        "jdbc:h2:file:"
            + dir.toAbsolutePath().toString().replace('\\', '/')
            + "/coalesce"
            + (durable ? "-durable;WRITE_DELAY=0" : "-delayed");
    loadMigrated(url, l -> doneAndReady(l, SMALL_DONE, pool, 0));
    RotatedRounds rr = new RotatedRounds();
    int rounds = options.rotatedRounds();
    java.time.Duration round = options.rotatedRound();
    double onCommits;
    try (Backlog off = openBacklog(url, w, false);
        Backlog on = openBacklog(url, w, true)) {
      ReadyPool ready = new ReadyPool(off, pool, "P");
      rr.add("off", i -> Workers.ours(off, "off" + i, 1))
          .add("on", i -> Workers.ours(on, "on" + i, 1))
          .beforeEachRound(ready::topUp);
      rr.warm(w, steps.warmup());
      CoalescingStats before = on.coalescingStats();
      rr.run(w, rounds, round);
      onCommits = commitsPerCard(before, on.coalescingStats(), rr.total("on").cards());
    }
    for (String key : List.of("off", "on")) {
      LoadDriver.Run run = rr.total(key);
      steps.add(
          measure(
              coalescingId(durable, key),
              "h2-coalesce",
              "ours, coalescing " + key + (durable ? "" : ", H2's write delay"),
              "H2",
              w,
              1,
              backlog,
              run,
              key.equals("on") ? onCommits : workerCommits(run),
              rounds
                  + " rotated rounds of "
                  + round.toMillis()
                  + " ms on one embedded H2 file"
                  + (durable
                      ? " written at every commit (WRITE_DELAY=0, as the shared file is opened)"
                      : " with H2's default write delay")
                  + ", the pool refilled to its size before each round"
                  + (key.equals("on")
                      ? "; commits per card from the backlog's coalescing statistics"
                      : "; commits counted by the workers")));
    }
  }
}
