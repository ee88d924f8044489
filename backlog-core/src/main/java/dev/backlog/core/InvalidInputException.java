package dev.backlog.core;

import java.util.List;
import java.util.stream.Collectors;

/** The input was malformed; lists every violation found, not just the first. Nothing changed. */
public final class InvalidInputException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final List<Violation> violations;

  /** Creates the exception from at least one violation. */
  public InvalidInputException(List<Violation> violations) {
    super(CoreErrorCode.INVALID_INPUT, render(violations));
    this.violations = List.copyOf(violations);
  }

  /** Creates the exception for a single field. */
  public static InvalidInputException of(String field, String message) {
    return new InvalidInputException(List.of(new Violation(field, message)));
  }

  /** Every violation found, in the order the fields were checked. */
  public List<Violation> violations() {
    return violations;
  }

  private static String render(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException needs at least one violation");
    }
    if (violations.size() == 1) {
      return violations.get(0).message();
    }
    return violations.size()
        + " problems: "
        + violations.stream().map(Violation::message).collect(Collectors.joining("; "));
  }
}
