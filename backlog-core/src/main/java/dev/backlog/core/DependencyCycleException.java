package dev.backlog.core;

import java.util.List;
import java.util.stream.Collectors;

/** A link or a create would close a cycle in the dependency graph; names the cycle's path. */
public final class DependencyCycleException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final List<CardId> path;

  /**
   * Creates the exception.
   *
   * @param path the cycle, first card repeated last, each depending on the next (e.g. A, B, A)
   */
  public DependencyCycleException(List<CardId> path) {
    super(
        CoreErrorCode.DEPENDENCY_CYCLE,
        path.size() == 2
            ? "card " + path.get(0) + " cannot depend on itself; link it to another card"
            : "dependency cycle "
                + path.stream().map(CardId::value).collect(Collectors.joining(" -> "))
                + "; remove one of these links (a card cannot wait for itself)");
    this.path = List.copyOf(path);
  }

  /** The cycle, first card repeated last, each element depending on the next. */
  public List<CardId> path() {
    return path;
  }
}
