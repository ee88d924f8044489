package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.git.coordination.internal.LockManager;
import dev.backlog.git.coordination.internal.MergeQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeQueueTest {

  @TempDir Path tmp;

  @Test
  void requestsGetTheirTurnInArrivalOrder() throws Exception {
    MergeQueue queue = new MergeQueue(tmp.resolve("q"), new LockManager());
    List<String> order = new CopyOnWriteArrayList<>();
    LockManager.Held first = queue.await(Duration.ofSeconds(30));
    Thread second =
        new Thread(
            () -> {
              try (LockManager.Held h = queue.await(Duration.ofSeconds(30))) {
                order.add("second");
              }
            });
    second.start();
    // wait until the second ticket is on disk, then enqueue the third
    while (ticketCount() < 2) {
      Thread.sleep(5);
    }
    Thread third =
        new Thread(
            () -> {
              try (LockManager.Held h = queue.await(Duration.ofSeconds(30))) {
                order.add("third");
              }
            });
    third.start();
    while (ticketCount() < 3) {
      Thread.sleep(5);
    }
    order.add("first");
    first.close();
    second.join(TimeUnit.SECONDS.toMillis(30));
    third.join(TimeUnit.SECONDS.toMillis(30));

    assertEquals(List.of("first", "second", "third"), order);
    assertEquals(0, ticketCount(), "every ticket left the queue");
  }

  @Test
  void aTicketOfADeadProcessIsDroppedSoTheQueueNeverBlocks() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("q"));
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(
        dir.resolve("0000000000000000001-dead.ticket"), gone.pid() + " 2020-01-01T00:00:00Z");
    Files.writeString(dir.resolve("counter"), "1");
    MergeQueue queue = new MergeQueue(dir, new LockManager());

    long start = System.nanoTime();
    try (LockManager.Held h = queue.await(Duration.ofSeconds(10))) {
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    }
    assertEquals(0, ticketCount());
  }

  private long ticketCount() throws Exception {
    try (var s = Files.list(tmp.resolve("q"))) {
      return s.filter(p -> p.toString().endsWith(".ticket")).count();
    }
  }
}
