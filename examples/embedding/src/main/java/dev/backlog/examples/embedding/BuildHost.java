package dev.backlog.examples.embedding;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import dev.backlog.tracker.BridgeReport;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.TrackerBridge;
import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigLoader;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.local.LocalTrackerProvider;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A host program that embeds the backlog the way a build tool does, without the command line: it
 * opens an H2 store under the project's build directory, opens a tracker, and pumps the bridge on
 * the host's own executor after each step. Its "build" is a small plan of tasks ({@code compile},
 * {@code test}, {@code package}) that it claims and completes in dependency order, then records in
 * the changelog under the project version.
 *
 * <p>Everything it uses comes from the host: the project directory, the clock and the executor. The
 * tracker is the one the project's {@code .backlog/config.json} selects, discovered with this
 * class's class loader (a build tool's plugin realm); without a project config it wires the local
 * provider directly, with its files under {@code <project>/docs/tracker}. Running it again finds
 * the plan done and changes no file.
 *
 * <p>Not thread-safe: one instance runs one build at a time.
 */
public final class BuildHost {

  /** The build's tasks in dependency order: each depends on the one before. */
  static final List<String> TASKS = List.of("compile", "test", "package");

  private final Path projectDir;
  private final String version;
  private final InstantSource clock;
  private final ExecutorService executor;

  /**
   * Creates a host.
   *
   * @param projectDir the project the build runs in
   * @param version the project version, the changelog section of the build's entries
   * @param clock the host's clock (the backlog's sweep pacing, the tracker's timestamps)
   * @param executor the host's executor, on which the bridge is pumped
   */
  public BuildHost(Path projectDir, String version, InstantSource clock, ExecutorService executor) {
    this.projectDir = Objects.requireNonNull(projectDir, "projectDir").toAbsolutePath().normalize();
    this.version = Objects.requireNonNull(version, "version");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * What one run did.
   *
   * @param trackerRoot where the tracker's files are, for the local provider (else null)
   * @param completed the tasks this run completed, in order
   * @param eventsMirrored backlog events the bridge applied in this run
   */
  public record Outcome(Path trackerRoot, List<String> completed, int eventsMirrored) {
    /** Copies the list. */
    public Outcome {
      completed = List.copyOf(completed);
    }
  }

  /** Runs the build once: plan, work, mirror into the tracker, changelog, roadmap. */
  public Outcome run() {
    Path stateDir = projectDir.resolve("build").resolve("backlog");
    createDirectories(stateDir);
    JdbcBacklogStore store =
        JdbcBacklogStore.builder()
            .url("jdbc:h2:" + stateDir.resolve("backlog"))
            .maxPoolSize(2)
            .build();
    try (Backlog backlog = Backlog.builder().store(store).clock(clock).actor("build").build();
        TrackerProvider tracker = openTracker(stateDir)) {
      TrackerBridge bridge =
          new TrackerBridge(backlog, tracker, stateDir.resolve("tracker-cursor.json"));
      int mirrored = 0;

      backlog.inTransaction(
          tx -> {
            for (int i = 0; i < TASKS.size(); i++) {
              String task = TASKS.get(i);
              if (tx.find(CardId.of(task)).isEmpty()) {
                NewCard.Builder card =
                    NewCard.builder(task)
                        .title("Run " + task)
                        .phase("build")
                        .priority(TASKS.size() - i);
                if (i > 0) {
                  card.dependsOn(TASKS.get(i - 1));
                }
                tx.create(card.build());
              }
            }
            return null;
          });
      mirrored += pump(bridge);

      List<String> completed = new ArrayList<>();
      while (true) {
        List<Claim> claims =
            backlog.claim(ClaimRequest.builder("build-host").ttl(Duration.ofMinutes(5)).build());
        if (claims.isEmpty()) {
          break;
        }
        Claim claim = claims.get(0);
        // The task's real work would run here, under the lease.
        backlog.complete(claim.card().id(), claim.lease().token());
        completed.add(claim.card().id().value());
        mirrored += pump(bridge);
      }

      for (String task : TASKS) {
        if (backlog.find(CardId.of(task)).map(c -> c.status() == CardStatus.DONE).orElse(false)) {
          tracker.appendChangelog(ChangelogEntry.of(task, version, "Run " + task));
        }
      }
      tracker.renderRoadmap();
      Path root = tracker instanceof LocalTrackerProvider local ? local.root() : null;
      return new Outcome(root, completed, mirrored);
    }
  }

  private TrackerProvider openTracker(Path stateDir) {
    if (Files.isRegularFile(projectDir.resolve(TrackerConfigLoader.PROJECT_CONFIG))) {
      TrackerConfig config = TrackerConfigLoader.load(projectDir, stateDir);
      return TrackerProviders.discover(BuildHost.class.getClassLoader()).open(config, clock);
    }
    return new LocalTrackerProvider(projectDir.resolve("docs").resolve("tracker"), clock);
  }

  /** Pumps the bridge on the host's executor and waits for it. */
  private int pump(TrackerBridge bridge) {
    Future<BridgeReport> report = executor.submit(bridge::pump);
    try {
      return report.get(1, TimeUnit.MINUTES).events();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the tracker bridge failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      report.cancel(true);
      throw new IllegalStateException("the tracker bridge did not finish within a minute", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the tracker bridge ran", e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "could not create " + dir + " (" + e + "); check the permissions", e);
    }
  }

  /**
   * Runs one build in the given project directory (default: the working directory) with the project
   * version given second (default {@code 0.1.0}), and prints what it did.
   */
  public static void main(String[] args) {
    Path project = Path.of(args.length > 0 ? args[0] : "");
    String version = args.length > 1 ? args[1] : "0.1.0";
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "tracker-bridge");
              t.setDaemon(true);
              return t;
            });
    try {
      Outcome outcome = new BuildHost(project, version, InstantSource.system(), executor).run();
      PrintStream out = System.out;
      out.println(
          "completed "
              + outcome.completed()
              + ", mirrored "
              + outcome.eventsMirrored()
              + " event(s)"
              + (outcome.trackerRoot() == null ? "" : " into " + outcome.trackerRoot()));
    } finally {
      executor.shutdown();
    }
  }
}
