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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedding host in a process of its own, which the driver SIGKILLs and starts again: worker
 * threads share one {@link Backlog} on the store (the shared H2 file, taking its turn with CLI
 * commands, or PostgreSQL), claim, sometimes renew, and complete until {@code expected} cards are
 * done. It prints one line per outcome ({@code completed ID}, {@code lost ID}, {@code unavailable})
 * for the driver.
 *
 * <p>Arguments ({@link Options}): {@code h2 HOME | pg} (the URL comes from the environment variable
 * {@code CHAOS_PG_URL}, so that it is not on a command line), owner, threads, lease seconds,
 * expected, and a pause in ms after each completion.
 */
public final class HostWorkerMain {

  private HostWorkerMain() {}

  /**
   * A host's arguments: {@code h2 HOME} or {@code pg}, then owner, threads, lease seconds, expected
   * and the pause in ms after each completion.
   *
   * @param h2Home the shared H2 file's home, or null for PostgreSQL (its URL in {@code
   *     CHAOS_PG_URL})
   */
  record Options(Path h2Home, String owner, int threads, Duration ttl, long expected, long paceMs) {

    /**
     * Reads the arguments; the store takes two of them on H2 and one on PostgreSQL, so the others
     * are counted from after it.
     *
     * @throws IllegalArgumentException when their number or a value is wrong
     */
    static Options parse(List<String> args) {
      if (args.isEmpty() || !(args.get(0).equals("h2") || args.get(0).equals("pg"))) {
        throw new IllegalArgumentException(
            "the first argument must be h2 or pg, was " + (args.isEmpty() ? "none" : args.get(0)));
      }
      boolean h2 = args.get(0).equals("h2");
      int at = h2 ? 2 : 1;
      if (args.size() != at + 5) {
        throw new IllegalArgumentException(
            "expected "
                + (h2 ? "h2 HOME" : "pg")
                + " OWNER THREADS TTL_SECONDS EXPECTED PACE_MS, got "
                + args);
      }
      return new Options(
          h2 ? Path.of(args.get(1)) : null,
          args.get(at),
          Integer.parseInt(args.get(at + 1)),
          Duration.ofSeconds(Long.parseLong(args.get(at + 2))),
          Long.parseLong(args.get(at + 3)),
          Long.parseLong(args.get(at + 4)));
    }

    /** The arguments that {@link #parse} reads back. */
    List<String> toArgs() {
      List<String> args = new ArrayList<>();
      if (h2Home != null) {
        args.add("h2");
        args.add(h2Home.toString());
      } else {
        args.add("pg");
      }
      args.addAll(
          List.of(
              owner,
              Integer.toString(threads),
              Long.toString(ttl.toSeconds()),
              Long.toString(expected),
              Long.toString(paceMs)));
      return args;
    }
  }

  /**
   * Runs the host. Prints {@code finished} and exits 0 only when every worker thread saw the drain
   * done; a thread that ended otherwise makes the host exit 3, which the driver reports.
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Options o = Options.parse(List.of(args));
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder();
    if (o.h2Home() != null) {
      builder.sharedH2File(H2SharedFile.of(o.h2Home(), H2SharedFile.Mode.LONG_RUNNING));
    } else {
      builder.url(System.getenv("CHAOS_PG_URL"));
    }
    AtomicInteger drained = new AtomicInteger();
    try (JdbcBacklogStore store = openRetrying(builder);
        Backlog backlog = Backlog.builder().store(store).actor(o.owner()).build()) {
      List<Thread> workers = new ArrayList<>();
      for (int i = 1; i <= o.threads(); i++) {
        String name = o.owner() + "-t" + i;
        Thread t =
            new Thread(
                () -> {
                  if (work(backlog, name, o.ttl(), o.expected(), o.paceMs(), out)) {
                    drained.incrementAndGet();
                  }
                },
                name);
        t.start();
        workers.add(t);
      }
      for (Thread t : workers) {
        t.join();
      }
    }
    if (drained.get() != o.threads()) {
      out.println("ended before the drain: " + drained.get() + " of " + o.threads() + " threads");
      System.exit(3);
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

  /** Works until the drain is done (true) or the thread is interrupted (false). */
  private static boolean work(
      Backlog backlog, String owner, Duration ttl, long expected, long paceMs, PrintStream out) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      try {
        Optional<Claim> claim =
            backlog.claim(ClaimRequest.builder(owner).ttl(ttl).build()).stream().findFirst();
        if (claim.isEmpty()) {
          long done = backlog.stats().count(CardStatus.DONE);
          if (done >= expected) {
            out.println("drained " + owner + ": " + done + " done of " + expected);
            return true;
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
        out.println("interrupted " + owner);
        return false;
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
