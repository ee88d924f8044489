package dev.backlog.benchmarks.internal;

import java.util.List;
import java.util.Objects;

/**
 * Everything one run produced: the machine, the mode, every measurement and the targets judged from
 * them. Written as {@code results.json} and read back by the report generator.
 *
 * @param mode {@code quick} or {@code full}, with {@code +million} when the 1,000,000-card backlog
 *     ran
 * @param startedAt when the run started (ISO-8601)
 * @param wallSeconds how long the whole run took
 * @param machine the machine
 * @param measurements the measured runs, in the order they ran
 * @param targets the targets of the design
 * @param cli the CLI timing
 * @param notes remarks on the run as a whole
 * @param loadAtStart the system's 1-minute load average when the run started (negative when
 *     unknown)
 * @param loadAtEnd the system's 1-minute load average when the run ended (negative when unknown)
 * @param othersCpuShare the share of the machine's CPU time other programs used during the database
 *     scenarios (negative when unknown)
 */
public record Results(
    String mode,
    String startedAt,
    double wallSeconds,
    Machine machine,
    List<Measurement> measurements,
    List<Target> targets,
    CliTiming.Result cli,
    List<String> notes,
    double loadAtStart,
    double loadAtEnd,
    double othersCpuShare) {

  /** Validates and copies the lists. */
  public Results {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(cli, "cli");
    measurements = List.copyOf(measurements);
    targets = List.copyOf(targets);
    notes = List.copyOf(notes);
  }

  /** The measurement with this id, if the run has it. */
  public java.util.Optional<Measurement> find(String id) {
    return measurements.stream().filter(m -> m.id().equals(id)).findFirst();
  }
}
