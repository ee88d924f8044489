package dev.backlog.chaos.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An embedding host in a process of its own, which the driver SIGKILLs and starts again: worker
 * threads share one {@link Backlog} on the store (the shared H2 file, taking its turn with CLI
 * commands, or PostgreSQL), claim, sometimes renew, and complete until {@code expected} cards are
 * done. It prints one line per outcome ({@code completed ID}, {@code lost ID}, {@code unavailable})
 * for the driver.
 *
 * <p>Arguments: {@code h2 HOME | pg} (the URL comes from the environment variable {@code
 * CHAOS_PG_URL}, so that it is not on a command line), owner, threads, lease seconds, expected, and
 * optionally a pause in ms after each completion.
 */
public final class HostWorkerMain {

  private HostWorkerMain() {}

  /** Runs the host. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder();
    if (args[0].equals("h2")) {
      builder.sharedH2File(H2SharedFile.of(Path.of(args[1]), H2SharedFile.Mode.LONG_RUNNING));
    } else {
      builder.url(System.getenv("CHAOS_PG_URL"));
    }
    String owner = args[2];
    int threads = Integer.parseInt(args[3]);
    Duration ttl = Duration.ofSeconds(Long.parseLong(args[4]));
    long expected = Long.parseLong(args[5]);
    long paceMs = args.length > 6 ? Long.parseLong(args[6]) : 0;
    try (JdbcBacklogStore store = openRetrying(builder);
        Backlog backlog = Backlog.builder().store(store).actor(owner).build()) {
      List<Thread> workers = new ArrayList<>();
      for (int i = 1; i <= threads; i++) {
        String name = owner + "-t" + i;
        Thread t = new Thread(() -> work(backlog, name, ttl, expected, paceMs, out), name);
        t.start();
        workers.add(t);
      }
      for (Thread t : workers) {
        t.join();
      }
    }
    out.println("finished");
  }

  private static JdbcBacklogStore openRetrying(JdbcBacklogStore.Builder builder)
      throws InterruptedException {
    while (true) {
      try {
        return builder.build();
      } catch (StoreUnavailableException e) {
        Thread.sleep(200);
      }
    }
  }

  private static void work(
      Backlog backlog, String owner, Duration ttl, long expected, long paceMs, PrintStream out) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      try {
        Optional<Claim> claim =
            backlog.claim(ClaimRequest.builder(owner).ttl(ttl).build()).stream().findFirst();
        if (claim.isEmpty()) {
          if (backlog.stats().count(CardStatus.DONE) >= expected) {
            return;
          }
          Thread.sleep(100);
          continue;
        }
        Claim c = claim.get();
        Thread.sleep(random.nextInt(30));
        if (random.nextInt(3) == 0) {
          backlog.renew(c.card().id(), c.token(), ttl);
        }
        backlog.complete(c.card().id(), c.token());
        out.println("completed " + c.card().id());
        if (paceMs > 0) {
          Thread.sleep(paceMs);
        }
      } catch (LeaseLostException e) {
        out.println("lost " + e.getMessage());
      } catch (StoreUnavailableException e) {
        out.println("unavailable");
        sleep(200);
      } catch (RuntimeException e) {
        // a worker does not die of an unexpected error: it reports it and goes on, and the
        // driver lists it; the invariants are judged from the store all the same
        out.println("error " + e.getClass().getName() + ": " + e.getMessage());
        sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
