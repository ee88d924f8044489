package dev.backlog.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a lease holder reports when it renews: a new phase (null keeps the current one) and
 * attributes to set (merged into the current ones; the result may hold at most {@value
 * Lease#MAX_ATTRIBUTES}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param phase the new lease phase, or null to keep it
 * @param attributes attributes to add or replace
 */
public record LeaseChange(String phase, SortedMap<String, String> attributes) {

  /** No change. */
  public static final LeaseChange NONE = new LeaseChange(null, new TreeMap<>());

  /** Validates the bounds and reports every problem at once. */
  public LeaseChange {
    Objects.requireNonNull(attributes, "attributes");
    List<Violation> problems = new ArrayList<>();
    Lease.checkPhase(problems, "leasePhase", phase);
    Lease.checkAttributes(problems, "attributes", attributes);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
  }

  /** A change of phase and attributes. */
  public static LeaseChange of(String phase, Map<String, String> attributes) {
    return new LeaseChange(phase, new TreeMap<>(attributes));
  }

  /** Whether this changes nothing. */
  public boolean isEmpty() {
    return phase == null && attributes.isEmpty();
  }

  /**
   * The lease with this change applied.
   *
   * @throws InvalidInputException when the merged attributes exceed {@value Lease#MAX_ATTRIBUTES}
   */
  public Lease applyTo(Lease lease, java.time.Instant newExpiry) {
    TreeMap<String, String> merged = new TreeMap<>(lease.attributes());
    merged.putAll(attributes);
    List<Violation> problems = new ArrayList<>();
    Lease.checkAttributes(problems, "attributes", merged);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return lease.with(newExpiry, phase != null ? phase : lease.phase(), merged);
  }
}
