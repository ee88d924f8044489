package dev.backlog.git.coordination.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Kills a process together with all its descendants. Stateless and thread-safe. */
public final class ProcessTrees {

  private ProcessTrees() {}

  /**
   * Kills the descendants (collected before the parent dies, so none is re-parented out of reach)
   * and then the process itself, and waits up to {@code wait} for them to exit.
   */
  public static void killTree(ProcessHandle root, Duration wait) {
    for (int round = 0; round < 3; round++) {
      List<ProcessHandle> all = new ArrayList<>();
      root.descendants().forEach(all::add);
      if (all.isEmpty() && !root.isAlive()) {
        return;
      }
      for (ProcessHandle p : all) {
        p.destroyForcibly();
      }
      root.destroyForcibly();
      all.add(root);
      for (ProcessHandle p : all) {
        try {
          p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (ExecutionException | TimeoutException e) {
          // a process that does not exit within the wait is retried in the next round
        }
      }
    }
  }

  /**
   * Finds a still-running process by pid whose start instant matches, so that a recycled pid is
   * never mistaken for it.
   */
  public static Optional<ProcessHandle> find(long pid, Optional<Instant> started) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                started.isEmpty()
                    || p.info().startInstant().map(s -> s.equals(started.get())).orElse(false));
  }
}
