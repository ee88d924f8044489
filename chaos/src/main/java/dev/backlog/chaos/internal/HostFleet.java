package dev.backlog.chaos.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embedding hosts ({@link HostWorkerMain}) in processes of their own, each with worker threads; a
 * killer SIGKILLs a random host at random moments (the first no later than the first completion, so
 * that no drain ends before it) and starts it again.
 *
 * <p>Not thread-safe: one run per instance.
 */
public final class HostFleet {

  private final List<String> storeArgs;
  private final Map<String, String> env;
  private final FaultStats stats;
  private final OutputLog log;
  private final Random random;
  private final int hosts;
  private final int threads;
  private final int ttlSeconds;
  private final long expected;
  private final Process[] running;
  private final StringBuilder[] output;
  private volatile boolean stopping;
  private volatile long stopAt = Long.MAX_VALUE;
  private long paceMs;

  /**
   * Hosts on a store given by {@code storeArgs} ({@code h2 HOME} or {@code pg}) and {@code env}.
   */
  public HostFleet(
      List<String> storeArgs,
      Map<String, String> env,
      FaultStats stats,
      OutputLog log,
      Random random,
      int hosts,
      int threads,
      int ttlSeconds,
      long expected) {
    this.storeArgs = storeArgs;
    this.env = env;
    this.stats = stats;
    this.log = log;
    this.random = random;
    this.hosts = hosts;
    this.threads = threads;
    this.ttlSeconds = ttlSeconds;
    this.expected = expected;
    this.running = new Process[hosts];
    this.output = new StringBuilder[hosts];
  }

  /** Makes each host thread pause after each completion. */
  public HostFleet pace(long ms) {
    paceMs = ms;
    return this;
  }

  /**
   * Runs until every host finished by itself, killing a random host every {@code meanGapMs} on
   * average (0: never) for at most {@code max}, then giving them {@code recovery} without faults
   * (or until {@link #stopAfter}). Returns whether all hosts finished.
   */
  public boolean run(Duration max, Duration recovery, int meanGapMs) throws InterruptedException {
    long faultsEnd = System.nanoTime() + max.toNanos();
    long deadline = faultsEnd + recovery.toNanos();
    for (int i = 0; i < hosts; i++) {
      launch(i);
    }
    boolean finished = false;
    long nextKill = meanGapMs > 0 ? System.nanoTime() + gap(meanGapMs) : Long.MAX_VALUE;
    while (System.nanoTime() < deadline && System.nanoTime() < stopAt) {
      Thread.sleep(50);
      boolean all = true;
      for (int i = 0; i < hosts; i++) {
        Process p = running[i];
        if (p.isAlive()) {
          all = false;
        } else if (p.exitValue() != 0) {
          stats.problem("host " + i + " exited " + p.exitValue() + ": " + tail(i));
          launch(i);
          all = false;
        }
      }
      if (all) {
        finished = true;
        break;
      }
      // The first kill comes with the first completion at the latest: a fast machine may
      // otherwise drain a small backlog before the first gap ends, and the run injects nothing.
      boolean firstDue = meanGapMs > 0 && kills == 0 && completions.get() > 0;
      if ((System.nanoTime() >= nextKill || firstDue) && System.nanoTime() < faultsEnd) {
        int victim = firstDue ? aliveHost() : random.nextInt(hosts);
        if (running[victim].isAlive()) {
          running[victim].destroyForcibly().waitFor();
          stats.fault("kill -9 of a host");
          kills++;
          launch(victim);
        }
        nextKill = System.nanoTime() + gap(meanGapMs);
      }
    }
    if (!finished && System.nanoTime() >= stopAt) {
      stats.outcome("host stopped " + graceSeconds + " s after the other workers drained");
    }
    stopping = true;
    for (Process p : running) {
      p.destroyForcibly().waitFor();
    }
    for (int i = 0; i < hosts; i++) {
      synchronized (output[i]) {
        log.add("host " + i, output[i].toString(), "");
      }
    }
    return finished;
  }

  private volatile long graceSeconds;

  /** Completions the hosts reported, across restarts. */
  private final AtomicLong completions = new AtomicLong();

  /** Kills so far in this run. */
  private int kills;

  /** The first host still running (a finished one has nothing left to interrupt). */
  private int aliveHost() {
    for (int i = 0; i < hosts; i++) {
      if (running[i].isAlive()) {
        return i;
      }
    }
    return random.nextInt(hosts);
  }

  /**
   * Stops the hosts {@code grace} from now if they have not finished by then: for a host that
   * shares a drain with other workers, which ended it already (the invariants are judged from the
   * store either way).
   */
  public void stopAfter(Duration grace) {
    graceSeconds = grace.toSeconds();
    stopAt = System.nanoTime() + grace.toNanos();
  }

  private long gap(int meanGapMs) {
    return Duration.ofMillis(meanGapMs / 2 + random.nextInt(meanGapMs)).toNanos();
  }

  private void launch(int i) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(HostWorkerMain.class.getName());
    command.addAll(
        new HostWorkerMain.Options(
                storeArgs.get(0).equals("h2") ? Path.of(storeArgs.get(1)) : null,
                "host" + i,
                threads,
                Duration.ofSeconds(ttlSeconds),
                expected,
                paceMs)
            .toArgs());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      running[i] = p;
      if (output[i] == null) {
        output[i] = new StringBuilder();
      }
      StringBuilder sink = output[i];
      CliFleet.start("host-" + i + "-reader", () -> read(p, sink));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a host process: " + e.getMessage(), e);
    }
  }

  private void read(Process p, StringBuilder sink) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        stats.operations.incrementAndGet();
        if (line.startsWith("completed ")) {
          completions.incrementAndGet();
          stats.success();
        } else if (line.startsWith("unavailable")) {
          stats.outcome("store unavailable (typed error)");
        } else if (line.startsWith("error ")) {
          int colon = line.indexOf(':');
          stats.outcome("host error " + line.substring(6, colon < 0 ? line.length() : colon));
        } else if (line.startsWith("lost ")) {
          stats.outcome("lease lost (refused late write)");
        }
        synchronized (sink) {
          if (sink.length() < 1_000_000) {
            sink.append(line).append('\n');
          }
        }
      }
    } catch (IOException e) {
      if (!stopping) {
        stats.outcome("host output closed");
      }
    }
  }

  private String tail(int i) {
    synchronized (output[i]) {
      String s = output[i].toString();
      return s.substring(Math.max(0, s.length() - 600));
    }
  }
}
