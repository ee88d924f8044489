package dev.backlog.cli.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.NewCard;
import dev.backlog.core.Stats;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.json.JsonContract;
import dev.backlog.server.BacklogServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: seeds a plan in a fresh temporary home and burns it down with concurrent workers,
 * one of which dies mid-card; prints the timeline and the final stats.
 */
@Command(
    name = "demo",
    description = {
      "Seed a plan in a fresh temporary home and burn it down with concurrent workers.",
      "One worker dies mid-card: its lease lapses, another worker finishes the card, and the dead"
          + " worker's late complete is refused by the fencing token."
    })
final class DemoCommand extends BacklogCommand {

  /** How long the whole demo may take before it gives up. */
  static final Duration DEADLINE = Duration.ofSeconds(50);

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "4",
      description = "Workers, 2 to 16 (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "7",
      description = "Seed for the simulated work times.")
  long seed;

  @Option(
      names = "--parent",
      paramLabel = "DIR",
      description =
          "Where to create the fresh temporary home (default: the system temp directory).")
  Path parent;

  @Option(
      names = "--serve",
      description =
          "Serve the live board while the demo runs (slower work, so it can be watched) and keep"
              + " serving after it until Ctrl-C.")
  boolean serve;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "" + BacklogServer.DEFAULT_PORT,
      description =
          "With --serve: the board's port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any).")
  int port;

  /** How much slower the simulated work runs with --serve, so that people can follow it. */
  static final int SERVE_PACE = 4;

  /** With --serve: how long the workers wait for a person to open the board. */
  static final Duration SERVE_HEAD_START = Duration.ofSeconds(3);

  private int pace = 1;

  /** One line of the timeline. */
  record Entry(long atMillis, String who, String what) {}

  private final List<Entry> timeline = Collections.synchronizedList(new ArrayList<>());
  private long start;
  private Context context;

  @Override
  int run(Context ctx) throws Exception {
    if (workers < 2 || workers > 16) {
      throw dev.backlog.core.InvalidInputException.of(
          "workers", "--workers " + workers + " is out of range; use 2 to 16");
    }
    context = ctx;
    pace = serve ? SERVE_PACE : 1;
    Path home =
        parent == null
            ? Files.createTempDirectory("backlog-demo-")
            : Files.createTempDirectory(ctx.workingDir().resolve(parent), "backlog-demo-");
    start = System.nanoTime();
    note(
        "demo",
        "fresh backlog home " + home + " (inspect later with: backlog --home " + home + " stats)");
    Settings settings = new Settings(home, null, null, null, "demo", "demo");
    BacklogStore store = ctx.opener().open(settings, workers + (serve ? 8 : 2), false);
    BacklogServer server = null;
    try (Backlog backlog =
        Backlog.builder()
            .store(store)
            .actor("demo")
            .sweepInterval(Duration.ofMillis(200))
            .listener(this::onEvents)
            .build()) {
      int total = seed(backlog);
      if (serve) {
        server = BacklogServer.builder(backlog).port(port).build().start();
        note("demo", "board live at " + server.url() + "/ (open it now)");
        if (ctx.json()) {
          ServeCommand.printUrl(ctx, server.url());
        }
        sleep(SERVE_HEAD_START.toMillis());
      }
      note("demo", "seeded " + total + " cards in 4 phases; starting " + workers + " workers");
      AtomicReference<String> refused = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch doomedClaimed = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      Thread doomed =
          new Thread(
              () ->
                  guard(
                      failure,
                      stop,
                      () -> doomedWorker(backlog, "w" + workers, doomedClaimed, refused)),
              "w" + workers);
      doomed.start();
      threads.add(doomed);
      if (!doomedClaimed.await(deadline().toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "the first worker claimed nothing within " + deadline().toSeconds() + "s");
      }
      for (int i = 1; i < workers; i++) {
        String name = "w" + i;
        Random random = new Random(seed * 31 + i);
        Thread t =
            new Thread(() -> guard(failure, stop, () -> worker(backlog, name, random, stop)), name);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join(deadline().toMillis());
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join(5_000);
      }
      if (failure.get() != null) {
        Throwable t = failure.get();
        throw t instanceof Exception e ? e : new IllegalStateException(t);
      }
      Stats stats = backlog.stats();
      boolean allDone = stats.count(CardStatus.DONE) == total;
      if (!ctx.json()) {
        ctx.out().println();
        ctx.out().println("final stats:");
        ctx.out().println(Human.stats(stats));
        ctx.out().println();
        ctx.out()
            .println(
                refused.get() != null
                    ? "the dead worker's late complete was refused by the fencing token: "
                        + refused.get()
                    : "the dead worker's late complete was NOT refused");
        ctx.out().println("backlog home: " + home);
        ctx.out().flush();
      } else {
        ctx.out()
            .println(
                JsonContract.render(
                    g -> {
                      g.writeStartObject();
                      g.writeStringField("home", home.toString());
                      g.writeArrayFieldStart("timeline");
                      synchronized (timeline) {
                        for (Entry e : timeline) {
                          g.writeStartObject();
                          g.writeNumberField("atMillis", e.atMillis());
                          g.writeStringField("who", e.who());
                          g.writeStringField("what", e.what());
                          g.writeEndObject();
                        }
                      }
                      g.writeEndArray();
                      g.writeStringField("lateCompleteRefused", refused.get());
                      g.writeFieldName("stats");
                      g.writeRawValue(JsonContract.stats(stats));
                      g.writeEndObject();
                    }));
        ctx.out().flush();
      }
      if (!allDone || refused.get() == null) {
        throw new IllegalStateException(
            "the demo did not finish as planned: "
                + stats.count(CardStatus.DONE)
                + " of "
                + total
                + " cards done, late complete "
                + (refused.get() == null ? "not refused" : "refused"));
      }
      if (server != null) {
        waitForStop(server, backlog);
      }
      return 0;
    }
  }

  /** With --serve: keeps the board up until SIGTERM or Ctrl-C, then stops it and the store. */
  private void waitForStop(BacklogServer server, Backlog backlog) throws InterruptedException {
    CountDownLatch stopped = ServeCommand.stopOnSignal(server, backlog, "backlog-demo-stop");
    if (!context.json()) {
      context.out().println("the board stays up at " + server.url() + "/ ; press Ctrl-C to stop");
      context.out().flush();
    }
    stopped.await();
  }

  private Duration deadline() {
    return DEADLINE.multipliedBy(pace);
  }

  private void onEvents(List<Event> events) {
    for (Event e : events) {
      if (e.type() == EventType.RECLAIMED) {
        note(
            "sweep",
            "lease "
                + (e.leaseToken() == null ? "" : e.leaseToken() + " ")
                + "on "
                + e.cardId()
                + " lapsed; the card is claimable again "
                + e.data());
      }
    }
  }

  private static void guard(AtomicReference<Throwable> failure, AtomicBoolean stop, Runnable body) {
    try {
      body.run();
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
      stop.set(true);
    }
  }

  private void note(String who, String what) {
    long at = (System.nanoTime() - start) / 1_000_000;
    Entry entry = new Entry(at, who, what);
    timeline.add(entry);
    if (!context.json()) {
      synchronized (context.out()) {
        context.out().printf("%7.3fs  %-5s %s%n", at / 1000.0, who, what);
        context.out().flush();
      }
    }
  }

  /** A realistic small plan: 14 cards in 4 phases with fan-out (B1) and fan-in (R3). */
  private static int seed(Backlog backlog) {
    List<NewCard> plan =
        List.of(
            card("D1", "design", 90, "Sketch the card model"),
            card("D2", "design", 80, "Agree on the lease protocol"),
            card("B1", "build", 70, "Schema and migrations", "D1"),
            card("B2", "build", 60, "Atomic claim query", "B1", "D2"),
            card("B3", "build", 60, "Lease renewal and fencing", "B1", "D2"),
            card("B4", "build", 50, "Event stream", "B1"),
            card("B5", "build", 40, "Command-line verbs", "B2", "B3"),
            card("T1", "test", 30, "Concurrent claim tests", "B2", "B3"),
            card("T2", "test", 30, "Crash-recovery test", "B3"),
            card("T3", "test", 20, "Import/export round trip", "B4", "B5"),
            card("R1", "release", 10, "User documentation", "B5"),
            card("R2", "release", 10, "Benchmarks", "T1"),
            card("R3", "release", 5, "Release 0.1", "T1", "T2", "T3", "R1", "R2"),
            card("R4", "release", 1, "Announce the release", "R3"));
    backlog.inTransaction(
        tx -> {
          for (NewCard c : plan) {
            tx.create(c);
          }
          return null;
        });
    return plan.size();
  }

  private static NewCard card(String id, String phase, int priority, String title, String... deps) {
    return NewCard.builder(id)
        .title(title)
        .phase(phase)
        .priority(priority)
        .dependsOn(deps)
        .acceptanceCriteria(List.of(title + " is reviewed"))
        .build();
  }

  /** A worker that claims, heartbeats and completes until every card is done. */
  private void worker(Backlog backlog, String name, Random random, AtomicBoolean stop) {
    Duration ttl = Duration.ofSeconds(5L * pace);
    long deadline = System.nanoTime() + deadline().toNanos();
    while (!stop.get() && System.nanoTime() < deadline) {
      List<Claim> claims =
          backlog.claim(
              ClaimRequest.builder(name).ttl(ttl).maxWait(Duration.ofMillis(300)).build());
      if (claims.isEmpty()) {
        Stats stats = backlog.stats();
        if (stats.count(CardStatus.DONE) == stats.total()) {
          note(name, "nothing left to do; stopping");
          return;
        }
        continue;
      }
      Claim claim = claims.get(0);
      Card card = claim.card();
      note(
          name,
          "claimed "
              + card.id()
              + " \""
              + card.title()
              + "\" (token "
              + claim.token()
              + ", attempt "
              + card.attempts()
              + ")");
      sleep((100 + random.nextInt(200)) * pace);
      Card renewed = backlog.renew(card.id(), claim.token(), ttl);
      note(name, "heartbeat on " + card.id() + ", lease now until " + renewed.lease().expiresAt());
      sleep((100 + random.nextInt(200)) * pace);
      backlog.complete(card.id(), claim.token());
      note(name, "completed " + card.id());
    }
  }

  /**
   * A worker that claims one card with a short lease, dies, and later tries to complete it anyway.
   */
  private void doomedWorker(
      Backlog backlog, String name, CountDownLatch claimed, AtomicReference<String> refused) {
    Duration ttl = Duration.ofMillis(1500L * pace);
    Optional<Claim> first = Optional.empty();
    long deadline = System.nanoTime() + deadline().toNanos();
    while (first.isEmpty() && System.nanoTime() < deadline) {
      first =
          backlog
              .claim(ClaimRequest.builder(name).ttl(ttl).maxWait(Duration.ofMillis(500)).build())
              .stream()
              .findFirst();
    }
    if (first.isEmpty()) {
      throw new IllegalStateException(name + " found nothing to claim");
    }
    Claim claim = first.get();
    CardId id = claim.card().id();
    note(
        name,
        "claimed "
            + id
            + " \""
            + claim.card().title()
            + "\" (token "
            + claim.token()
            + ", lease "
            + ttl.toMillis()
            + " ms)");
    claimed.countDown();
    sleep(300L * pace);
    backlog.renew(id, claim.token(), ttl);
    note(name, "heartbeat on " + id + ", then the process hangs: no more heartbeats");
    // Dead: wait until another worker has reclaimed and finished the card.
    while (System.nanoTime() < deadline) {
      Card now = backlog.get(id);
      if (now.status() == CardStatus.DONE) {
        break;
      }
      sleep(100);
    }
    note(name, "wakes up and tries to complete " + id + " with its old token " + claim.token());
    try {
      backlog.complete(id, claim.token());
      note(name, "complete of " + id + " was ACCEPTED (fencing failed)");
    } catch (LeaseLostException e) {
      refused.set(e.getMessage());
      note(name, "refused: LeaseLostException: " + e.getMessage());
    } catch (BacklogException e) {
      note(name, "refused with " + e.code().name() + ": " + e.getMessage());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
