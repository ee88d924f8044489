package dev.backlog.benchmarks.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How much of the machine's CPU other programs used while the benchmark ran, from Linux's {@code
 * /proc}: all busy time minus the time of this JVM and its child processes (the CLI processes) and
 * of the PostgreSQL server the benchmark started (its postmaster runs detached, so it is named
 * explicitly), exited children included.
 *
 * <p>Immutable and thread-safe.
 *
 * @param busy clock ticks the machine's cores spent busy
 * @param total clock ticks of all cores, busy or idle
 * @param ours clock ticks spent by this JVM and its children
 */
public record CpuShare(long busy, long total, long ours) {

  /**
   * A snapshot, or empty where {@code /proc} cannot be read; {@code alsoOurs} are further process
   * trees to count as the benchmark's own (the embedded PostgreSQL's postmaster).
   */
  public static Optional<CpuShare> snapshot(java.util.List<Long> alsoOurs) {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) {
          idle += v;
        }
      }
      long ours = ticks(ProcessHandle.current().pid());
      for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
        ours += ticks(child.pid());
      }
      for (long root : alsoOurs) {
        ours += ticks(root);
        for (ProcessHandle child :
            ProcessHandle.of(root).map(h -> h.descendants().toList()).orElse(java.util.List.of())) {
          ours += ticks(child.pid());
        }
      }
      return Optional.of(new CpuShare(total - idle, total, ours));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The share of all cores' time other programs used between {@code before} and this snapshot. */
  public double othersSince(CpuShare before) {
    long dt = total - before.total;
    if (dt <= 0) {
      return 0;
    }
    return Math.max(0, (busy - before.busy) - (ours - before.ours)) / (double) dt;
  }

  /** utime + stime + cutime + cstime of a process, 0 when it is gone. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // Fields after the command: state is f[0]; utime, stime, cutime, cstime are fields 14 to 17
      // of the line.
      return Long.parseLong(f[11])
          + Long.parseLong(f[12])
          + Long.parseLong(f[13])
          + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
