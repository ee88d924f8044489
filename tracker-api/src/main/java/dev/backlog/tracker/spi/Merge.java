package dev.backlog.tracker.spi;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The result of a three-way merge of one feature's managed fields.
 *
 * <p>Immutable and thread-safe.
 *
 * @param merged the merged values (a conflicting field keeps the local value until resolved)
 * @param toPush fields whose merged value must be written to the remote
 * @param toPull fields whose merged value must be written locally
 * @param conflicts fields both sides changed differently; each is also recorded in the ledger
 */
public record Merge(
    SortedMap<String, String> merged,
    Set<String> toPush,
    Set<String> toPull,
    List<FieldConflict> conflicts) {

  /** Copies the parts. */
  public Merge {
    merged = Collections.unmodifiableSortedMap(new TreeMap<>(merged));
    toPush = Collections.unmodifiableSet(new TreeSet<>(toPush));
    toPull = Collections.unmodifiableSet(new TreeSet<>(toPull));
    conflicts = List.copyOf(conflicts);
  }

  /** Whether the merge needs a person for at least one field. */
  public boolean hasConflicts() {
    return !conflicts.isEmpty();
  }

  /** A merged value, or null when the field is absent. */
  public String value(String field) {
    Map<String, String> values = merged;
    return values.get(field);
  }
}
