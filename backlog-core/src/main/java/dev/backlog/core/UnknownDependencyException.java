package dev.backlog.core;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** A card names dependencies that do not exist (by the end of the transaction). */
public final class UnknownDependencyException extends BacklogException {

  private static final long serialVersionUID = 1L;

  private final CardId card;
  private final SortedSet<CardId> missing;

  /** Creates the exception for the card and its missing dependencies. */
  public UnknownDependencyException(CardId card, Set<CardId> missing) {
    super(
        CoreErrorCode.UNKNOWN_DEPENDENCY,
        "card "
            + card
            + " depends on "
            + String.join(", ", new TreeSet<>(missing).stream().map(CardId::value).toList())
            + ", which do"
            + (missing.size() == 1 ? "es" : "")
            + " not exist; create "
            + (missing.size() == 1 ? "it" : "them")
            + " first (or in the same transaction), or drop the dependency");
    this.card = card;
    this.missing = new TreeSet<>(missing);
  }

  /** The card whose dependencies are unknown. */
  public CardId card() {
    return card;
  }

  /** The ids that do not exist. */
  public SortedSet<CardId> missing() {
    return java.util.Collections.unmodifiableSortedSet(missing);
  }
}
