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
 * @param maxScenario the longest faults are injected into a drain
 * @param recovery how long a fleet may go on without faults after {@code maxScenario} before its
 *     drain is judged unfinished
 * @param cliTtlSeconds the lease of a CLI worker's claim: long enough for the renew and complete
 *     processes that follow it to start on a busy machine, short enough that a killed worker's card
 *     comes back within the scenario
 * @param clockCards cards drained in the clock scenario
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
    Duration maxScenario,
    Duration recovery,
    int cliTtlSeconds,
    int clockCards) {

  /**
   * The quick run CI does (10 to 15 minutes measured on two cores shared with three other builds,
   * the server scenario beside three others): every scenario on every store with a few faults each,
   * small drains (each CLI command is a JVM start), a soak of 15 s per store (three samples).
   */
  public static Profile quick() {
    return new Profile(
        "quick",
        3,
        3,
        2,
        1,
        40,
        6,
        0.3,
        1500,
        5,
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofMinutes(2),
        15,
        80);
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
        Duration.ofMinutes(10),
        Duration.ofMinutes(5),
        30,
        400);
  }

  /** SSE subscribers of the server scenario: 200 in both modes. */
  public int sseSubscribers() {
    return 200;
  }

  /** Clients of the server scenario that dribble a body and stall. */
  public int slowClients() {
    return mode.equals("quick") ? 5 : 20;
  }

  /** Cards drained in the database restart scenario (CLI workers and a host). */
  public int restartCards() {
    return mode.equals("quick") ? faultCards * 3 : faultCards * 5;
  }

  /** {@code backlog mcp} sessions the server scenario kills mid-call. */
  public int mcpKills() {
    return mode.equals("quick") ? 2 : 5;
  }

  /** This profile with a soak of {@code soak} sampled every {@code sample}. */
  public Profile withSoak(Duration soak, Duration sample) {
    return new Profile(
        mode,
        cliWorkers,
        seedCards,
        importCards,
        imports,
        hostCards,
        faultCards,
        killShare,
        hostKillGapMs,
        records,
        soak,
        sample,
        maxScenario,
        recovery,
        cliTtlSeconds,
        clockCards);
  }
}
