package dev.backlog.chaos.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles. Stateless. */
final class Percentiles {

  private Percentiles() {}

  /** The {@code p}-th percentile of {@code values} (nearest rank), or -1 when there are none. */
  static double of(List<Double> values, double p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
