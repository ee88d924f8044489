package dev.backlog.git.coordination;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A separate JVM for multi-process tests. Modes: {@code write <repo> <mission> <writer-prefix>
 * <threads> <events-per-thread>}, {@code record <repo> <mission> <card> <marker>}, {@code
 * record-and-halt <repo> <mission> <card> <marker> <step>} (halts the JVM abruptly, as a kill
 * would, when the transaction reaches the {@link BookkeepingObserver.Step}; at {@code
 * COMMIT_STARTED} it waits until git runs a hook first). Its git environment comes from the
 * inherited variables (the parent passes the isolated ones).
 */
public final class CoordinationChild {

  private CoordinationChild() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[1]);
    Mission mission = Mission.parse(args[2]);
    CoordinationConfig.Builder builder =
        CoordinationConfig.builder()
            .gitTimeout(Duration.ofSeconds(60))
            .lockTimeout(Duration.ofMinutes(3));
    if (args[0].equals("record-and-halt")) {
      builder.observer(haltAt(BookkeepingObserver.Step.valueOf(args[5])));
    }
    CoordinationConfig config = builder.build();
    Coordinator c = Coordinator.open(repo, config);
    switch (args[0]) {
      case "write" -> {
        String prefix = args[3];
        int threads = Integer.parseInt(args[4]);
        int events = Integer.parseInt(args[5]);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
          String writer = prefix + "-" + t;
          Thread th =
              new Thread(
                  () -> {
                    try {
                      for (int i = 0; i < events; i++) {
                        c.record(
                            mission,
                            EventDraft.of(CardId.of(writer), "progress", writer)
                                .withData(Map.of("key", writer + "/" + i)));
                      }
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  });
          ts.add(th);
          th.start();
        }
        for (Thread th : ts) {
          th.join();
        }
        if (!failures.isEmpty()) {
          failures.get(0).printStackTrace();
          System.exit(1);
        }
      }
      case "record", "record-and-halt" ->
          c.record(
              mission,
              EventDraft.of(CardId.of(args[3]), "claimed", "child")
                  .withLease(LeaseToken.of(1))
                  .withData(Map.of("key", args[4])));
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.exit(0);
  }

  private static BookkeepingObserver haltAt(BookkeepingObserver.Step target) {
    return (step, transactionId, gitCommit) -> {
      if (step != target) {
        return;
      }
      if (gitCommit.isPresent()) {
        // Wait until git has started a hook (a child of the commit process), then die mid-commit.
        ProcessHandle git = gitCommit.get();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline
            && git.isAlive()
            && git.descendants().findAny().isEmpty()) {
          Thread.onSpinWait();
        }
      }
      Runtime.getRuntime().halt(137);
    };
  }
}
