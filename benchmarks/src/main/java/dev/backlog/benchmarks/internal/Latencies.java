package dev.backlog.benchmarks.internal;

import java.util.Arrays;

/**
 * A growable list of latency samples in nanoseconds, with percentiles read from a sorted copy.
 *
 * <p>Not thread-safe: each worker thread fills its own, and the driver merges them afterwards.
 */
public final class Latencies {

  private long[] samples = new long[1024];
  private int size;

  /** Adds one sample (nanoseconds). */
  public void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  /** Adds every sample of another list. */
  public void addAll(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      add(other.samples[i]);
    }
  }

  /** How many samples there are. */
  public int size() {
    return size;
  }

  /**
   * The sample at or below which {@code percent} % of the samples lie (nearest rank), or 0 when
   * there are none.
   *
   * @throws IllegalArgumentException when {@code percent} is not in (0, 100]
   */
  public long percentile(double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException(
          "percentile " + percent + " is out of range; use a value in (0, 100]");
    }
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * size);
    return sorted[Math.max(0, Math.min(size, rank) - 1)];
  }
}
