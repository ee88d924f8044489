package dev.backlog.benchmarks.internal;

import java.util.Objects;

/**
 * One measured run: which system did what on which database, and how fast.
 *
 * @param id a stable key for the run, used by targets and the report (for example {@code
 *     pg.ours.w4.b1})
 * @param group the scenario group (throughput, batch, backlog-size, baseline, dag, peer, h2)
 * @param system who did the work: {@code ours}, {@code ceiling}, {@code seed-003} or {@code
 *     db-scheduler}
 * @param database {@code PostgreSQL} or {@code H2}
 * @param workers concurrent workers
 * @param batch cards per claim
 * @param backlog what the backlog held, in words (for example "100,000 done + 20,000 ready")
 * @param cards cards (or tasks) completed
 * @param seconds wall time of the measured phase
 * @param cardsPerSecond completed cards per second
 * @param claimP50Micros median claim latency in microseconds (0 when not measured)
 * @param claimP99Micros 99th percentile claim latency in microseconds (0 when not measured)
 * @param claims claim calls that returned work (the latency samples)
 * @param commitsPerCard committed transactions per completed card (negative when not measured)
 * @param note how it was measured, when that needs saying
 */
public record Measurement(
    String id,
    String group,
    String system,
    String database,
    int workers,
    int batch,
    String backlog,
    long cards,
    double seconds,
    double cardsPerSecond,
    double claimP50Micros,
    double claimP99Micros,
    long claims,
    double commitsPerCard,
    String note) {

  /** Validates the run. */
  public Measurement {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(backlog, "backlog");
    note = note == null ? "" : note;
    if (workers < 1 || batch < 1 || cards < 0 || seconds < 0) {
      throw new IllegalArgumentException(
          "measurement "
              + id
              + " has impossible values: workers "
              + workers
              + ", batch "
              + batch
              + ", cards "
              + cards
              + ", seconds "
              + seconds);
    }
  }
}
