package dev.backlog.json;

import dev.backlog.core.BacklogException;
import java.util.List;

/**
 * A plan file with bad lines: the message names each (the first {@value
 * PlanFile#MAX_QUOTED_PROBLEMS} in full), {@link #problems()} lists them all. Nothing was imported.
 */
public final class PlanFileException extends BacklogException {
  private static final long serialVersionUID = 1L;

  private final transient List<PlanFile.Problem> problems;

  PlanFileException(String message, List<PlanFile.Problem> problems) {
    super(PlanErrorCode.IMPORT_INVALID, message);
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in line order of discovery. */
  public List<PlanFile.Problem> problems() {
    return problems;
  }
}
