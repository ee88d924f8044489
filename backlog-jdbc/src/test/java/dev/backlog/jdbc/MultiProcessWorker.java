package dev.backlog.jdbc;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker process for the multi-process tests: claims and completes cards on the database named by
 * its first argument until nothing is ready or claimed (or it completed the most cards it was told
 * to), prints how many it completed, and exits 0; any error is printed and exits 1. Arguments: URL,
 * owner name, most cards to complete, a directory for the start handshake: once its store is open
 * the worker creates {@code ready-<owner>} there and waits for {@code go}.
 */
public final class MultiProcessWorker {

  private MultiProcessWorker() {}

  /** Runs the worker. */
  public static void main(String[] args) {
    String url = args[0];
    String owner = args[1];
    int most = Integer.parseInt(args[2]);
    Path handshake = Path.of(args[3]);
    int completed = 0;
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).maxPoolSize(2).build();
        Backlog backlog =
            Backlog.builder()
                .store(store)
                .actor(owner)
                .sweepInterval(Duration.ofMillis(500))
                .build()) {
      backlog.stats();
      Files.createFile(handshake.resolve("ready-" + owner));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!Files.exists(handshake.resolve("go")) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      while (completed < most) {
        List<Claim> claims =
            backlog.claim(ClaimRequest.builder(owner).ttl(Duration.ofSeconds(10)).build());
        if (claims.isEmpty()) {
          Stats stats = backlog.stats();
          if (stats.count(CardStatus.READY) == 0 && stats.count(CardStatus.CLAIMED) == 0) {
            break;
          }
          Thread.sleep(20);
          continue;
        }
        for (Claim claim : claims) {
          Thread.sleep(2);
          backlog.complete(claim.card().id(), claim.token());
          completed++;
        }
      }
      System.out.println("completed " + completed);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
