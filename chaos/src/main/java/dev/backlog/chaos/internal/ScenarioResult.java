package dev.backlog.chaos.internal;

import java.util.List;
import java.util.Objects;

/**
 * One row of the report: a scenario on one store.
 *
 * @param scenario the scenario's name
 * @param store {@code H2 file}, {@code PostgreSQL}, {@code git} or {@code in-process}
 * @param runs how many times it ran
 * @param faults faults injected (kills, restarts, disk-full episodes, clock jumps)
 * @param operations operations attempted by the workers
 * @param violations invariant violations found after the run (goal: none)
 * @param recoveryP50Ms median time from a fault to the next successful operation, or -1
 * @param recoveryP99Ms 99th percentile of the same, or -1
 * @param note what else was seen (exit codes, refused late writes), or why it was skipped
 * @param skipped whether the scenario could not run here (the note says why)
 */
public record ScenarioResult(
    String scenario,
    String store,
    int runs,
    int faults,
    long operations,
    List<String> violations,
    double recoveryP50Ms,
    double recoveryP99Ms,
    String note,
    boolean skipped) {

  /** Copies the list. */
  public ScenarioResult {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(store, "store");
    violations = List.copyOf(violations);
    Objects.requireNonNull(note, "note");
  }

  /** A scenario that could not run here, with the reason. */
  public static ScenarioResult skipped(String scenario, String store, String reason) {
    return new ScenarioResult(scenario, store, 0, 0, 0, List.of(), -1, -1, reason, true);
  }
}
