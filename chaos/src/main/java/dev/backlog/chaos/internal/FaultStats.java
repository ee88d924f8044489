package dev.backlog.chaos.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's counters of one scenario: operations, faults, exit codes and the recovery times
 * after faults. Used for the figures only; the invariants are judged from the store.
 *
 * <p>Thread-safe.
 */
public final class FaultStats {

  final AtomicLong operations = new AtomicLong();
  final AtomicLong faults = new AtomicLong();
  private final Map<String, Long> outcomes = new TreeMap<>();
  private final List<Double> recoveries = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long pendingFaultNanos = -1;

  /** Counts one outcome (for example {@code claim exit 5} or {@code killed during complete}). */
  public synchronized void outcome(String what) {
    outcomes.merge(what, 1L, Long::sum);
  }

  /** Records a fault injected now; the next {@link #success} closes its recovery time. */
  public synchronized void fault(String what) {
    faults.incrementAndGet();
    outcome(what);
    if (pendingFaultNanos < 0) {
      pendingFaultNanos = System.nanoTime();
    }
  }

  /** Marks the moment a fault's effect ended (a server back up, space freed). */
  public synchronized void faultEnded() {
    pendingFaultNanos = System.nanoTime();
  }

  /** A successful operation: closes a pending recovery time. */
  public synchronized void success() {
    if (pendingFaultNanos >= 0) {
      recoveries.add((System.nanoTime() - pendingFaultNanos) / 1e6);
      pendingFaultNanos = -1;
    }
  }

  /** Something the driver saw that breaks a promise of the CLI (an unexpected exit code). */
  public synchronized void problem(String what) {
    problems.add(what);
  }

  /** The problems seen. */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** The counted outcomes, as {@code what ×n} text. */
  public synchronized String outcomes() {
    StringBuilder b = new StringBuilder();
    outcomes.forEach(
        (k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ×").append(v));
    return b.toString();
  }

  /** How often an outcome was counted. */
  public synchronized long count(String what) {
    return outcomes.getOrDefault(what, 0L);
  }

  /** A percentile of the recovery times in ms, or -1 when none was measured. */
  public synchronized double recovery(double percentile) {
    return Percentiles.of(recoveries, percentile);
  }

  /** A result row from these counters and the invariants' outcome. */
  public ScenarioResult result(
      String scenario, String store, List<String> violations, String extraNote) {
    List<String> all = new ArrayList<>(violations);
    all.addAll(problems());
    String note = outcomes();
    if (!extraNote.isBlank()) {
      note = note.isBlank() ? extraNote : extraNote + "; " + note;
    }
    return new ScenarioResult(
        scenario,
        store,
        1,
        (int) faults.get(),
        operations.get(),
        all,
        recovery(50),
        recovery(99),
        note,
        false);
  }
}
