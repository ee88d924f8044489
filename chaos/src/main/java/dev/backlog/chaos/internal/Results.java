package dev.backlog.chaos.internal;

import java.util.List;

/**
 * Everything a run measured, as written to {@code results.json}.
 *
 * @param mode {@code quick} or {@code full}
 * @param startedAt when the run began (UTC, ISO-8601)
 * @param seconds how long it took
 * @param seed the random seed (a run with the same seed makes the same plans and choices)
 * @param machine the machine, one line
 * @param postgres the PostgreSQL version
 * @param h2 the H2 version
 * @param scenarios one row per scenario and store
 * @param soak the soak's samples
 */
public record Results(
    String mode,
    String startedAt,
    double seconds,
    long seed,
    String machine,
    String postgres,
    String h2,
    List<ScenarioResult> scenarios,
    List<SoakSample> soak) {

  /** Copies the lists. */
  public Results {
    scenarios = List.copyOf(scenarios);
    soak = List.copyOf(soak);
  }

  /** Invariant violations over all scenarios. */
  public int violations() {
    return scenarios.stream().mapToInt(s -> s.violations().size()).sum();
  }
}
