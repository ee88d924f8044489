package dev.backlog.git.coordination;

import java.util.List;
import java.util.Objects;

/**
 * The findings of {@code coord doctor}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param findings every check, passed or not
 */
public record DoctorReport(List<Finding> findings) {

  /** Copies the findings. */
  public DoctorReport {
    findings = List.copyOf(findings);
  }

  /** Whether no check failed. */
  public boolean healthy() {
    return findings.stream().allMatch(f -> f.ok());
  }

  /**
   * One check.
   *
   * @param check a stable name such as {@code merge-driver}
   * @param ok whether it passed
   * @param message what was found and, when not ok, how to fix it
   */
  public record Finding(String check, boolean ok, String message) {
    /** Validates the parts. */
    public Finding {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(message, "message");
    }
  }
}
