package dev.backlog.tracker.tck;

import dev.backlog.core.CardId;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.spi.TrackerProvider;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The second process of the cross-process append check: opens the provider through the contract
 * subclass named on the command line and appends events from several threads.
 *
 * <p>Arguments: contract class, directory, feature code, threads, events per thread, id prefix.
 */
final class ForkedAppender {

  private ForkedAppender() {}

  public static void main(String[] args) throws Exception {
    Class<?> type = Class.forName(args[0]);
    Constructor<?> constructor = type.getDeclaredConstructor();
    constructor.setAccessible(true);
    TrackerProviderContract contract = (TrackerProviderContract) constructor.newInstance();
    try (TrackerProvider provider = contract.newProvider(Path.of(args[1]))) {
      append(
          provider,
          CardId.of(args[2]),
          Integer.parseInt(args[3]),
          Integer.parseInt(args[4]),
          args[5]);
    }
    System.out.println("appended");
  }

  /**
   * Appends {@code threads × perThread} events with ids {@code <prefix>-<thread>-<n>} concurrently.
   */
  static void append(
      TrackerProvider provider, CardId code, int threads, int perThread, String prefix)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> work =
            () -> {
              for (int n = 0; n < perThread; n++) {
                provider.appendEvent(
                    new FeatureEvent(
                        prefix + "-" + thread + "-" + n,
                        code,
                        "note",
                        prefix + "-" + thread,
                        Instant.ofEpochSecond(1_800_000_000L + n),
                        "{\"n\":" + n + "}"));
              }
              return null;
            };
        done.add(pool.submit(work));
      }
      for (Future<Void> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
