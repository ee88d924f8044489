package dev.backlog.chaos.internal;

import java.time.Duration;

/**
 * The sizes of a run.
 *
 * @param mode {@code quick} or {@code full}
 * @param cliWorkers CLI worker processes of the kill scenario
 * @param seedCards cards of the plan seeded before the workers start
 * @param importCards cards of each plan imported while they run
 * @param imports plans imported while they run
 * @param hostCards cards drained by the embedding hosts
 * @param faultCards cards drained in the database restart and disk full scenarios
 * @param killShare the share of CLI commands killed
 * @param hostKillGapMs mean time between two kills of a host
 * @param records bookkeeping records of the git coordination scenario
 * @param soak soak duration per store
 * @param sample soak sampling interval
 * @param maxScenario the longest a drain may take before the scenario is judged unfinished
 */
public record Profile(
    String mode,
    int cliWorkers,
    int seedCards,
    int importCards,
    int imports,
    int hostCards,
    int faultCards,
    double killShare,
    int hostKillGapMs,
    int records,
    Duration soak,
    Duration sample,
    Duration maxScenario) {

  /** The quick run CI does (a few minutes on two cores). */
  public static Profile quick() {
    return new Profile(
        "quick",
        4,
        4,
        2,
        2,
        80,
        12,
        0.2,
        3000,
        6,
        Duration.ofSeconds(30),
        Duration.ofSeconds(6),
        Duration.ofSeconds(90));
  }

  /** The full run, with a soak of {@code minutes} per store. */
  public static Profile full(int minutes) {
    return new Profile(
        "full",
        8,
        40,
        10,
        4,
        600,
        60,
        0.2,
        2500,
        30,
        Duration.ofMinutes(minutes),
        Duration.ofMinutes(1),
        Duration.ofMinutes(10));
  }
}
