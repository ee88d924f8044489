package dev.backlog.cli.tracker;

import dev.backlog.cli.internal.RunContext;
import dev.backlog.cli.internal.SyncObserver;
import dev.backlog.json.JsonContract;
import dev.backlog.tracker.BridgeReport;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerBridge;
import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigLoader;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code backlog tracker}: the configured tracker (the {@code tracker} block of the project's
 * {@code .backlog/config.json}, else of {@code $BACKLOG_HOME/config.json}; none means {@code
 * local}). {@code status} shows its health, {@code sync} runs the bridge over the backlog's events
 * and drains the provider, {@code render} re-renders the roadmap. A malformed tracker block fails
 * with exit 2 before anything is opened or written. Not thread-safe; picocli creates one instance
 * per run.
 */
@Command(
    name = "tracker",
    description = {
      "The configured tracker, mirrored from the backlog.",
      "Features, events, ROADMAP.md and CHANGELOG.md.",
      "Configured in the \"tracker\" block of .backlog/config.json."
    },
    subcommands = {
      TrackerCommand.Status.class,
      TrackerCommand.Sync.class,
      TrackerCommand.Render.class
    })
public final class TrackerCommand implements Callable<Integer> {

  /** Event appends between two progress lines on a terminal. */
  private static final int PROGRESS_EVERY = 200;

  @Spec CommandSpec spec;

  /** Creates the command (picocli instantiates it). */
  public TrackerCommand() {}

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "a tracker command is required: status, sync or render");
  }

  /** Shared plumbing: loads the tracker config and opens the configured provider. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public final Integer call() {
      RunContext run = RunContext.of(spec);
      Path home = run.settings().home();
      Path projectDir =
          TrackerConfigLoader.findProjectDir(run.workingDir())
              .filter(
                  dir ->
                      !dir.resolve(TrackerConfigLoader.PROJECT_CONFIG)
                          .toAbsolutePath()
                          .normalize()
                          .equals(
                              home.resolve(TrackerConfigLoader.HOME_CONFIG)
                                  .toAbsolutePath()
                                  .normalize()))
              .orElse(null);
      TrackerConfig config = TrackerConfigLoader.load(projectDir, home);
      TrackerProviders providers = TrackerProviders.discover(TrackerCommand.class.getClassLoader());
      try (TrackerProvider provider = providers.open(config, InstantSource.system())) {
        return run(run, config, provider);
      }
    }

    abstract int run(RunContext run, TrackerConfig config, TrackerProvider provider);

    /**
     * The bridge's cursor file: one per tracker (provider, config file, root and settings), under
     * the backlog home, so that two projects sharing a home keep their own positions.
     */
    static Path cursorFile(TrackerConfig config) {
      String key =
          config.provider()
              + "\u0000"
              + config.source().map(Path::toString).orElse("")
              + "\u0000"
              + config.defaultRoot()
              + "\u0000"
              + config.settings();
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(digest, 0, 6);
        return config.home().resolve("tracker-cursor-" + config.provider() + "-" + hash + ".json");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
      }
    }

    static void emit(RunContext run, String json, String human) {
      PrintStream out = run.out();
      out.println(run.json() ? json : human);
      out.flush();
    }
  }

  /** {@code tracker status}. */
  @Command(
      name = "status",
      description = {
        "Show the tracker's state.",
        "Provider, canonical source, pending ops, conflicts, quarantined ops, last sync and the "
            + "bridge's position in the event stream."
      })
  static final class Status extends Base {
    @Override
    int run(RunContext run, TrackerConfig config, TrackerProvider provider) {
      TrackerHealth health = provider.health();
      long cursor = new TrackerBridge(run.backlog(), provider, cursorFile(config)).cursor();
      String source = config.source().map(Path::toString).orElse(null);
      String json =
          JsonContract.render(
              g -> {
                g.writeStartObject();
                g.writeStringField("provider", health.provider());
                g.writeStringField("canonicalSource", health.canonicalSource());
                g.writeNumberField("pendingOps", health.pendingOps());
                g.writeNumberField("conflicts", health.conflicts());
                g.writeNumberField("quarantined", health.quarantined());
                g.writeStringField(
                    "lastSync", health.lastSyncTime().map(Object::toString).orElse(null));
                g.writeNumberField("cursor", cursor);
                g.writeStringField("config", source);
                g.writeEndObject();
              });
      String human =
          String.join(
              System.lineSeparator(),
              "provider          " + health.provider(),
              "canonical source  " + health.canonicalSource(),
              "pending ops       " + health.pendingOps(),
              "conflicts         " + health.conflicts(),
              "quarantined ops   " + health.quarantined(),
              "last sync         " + health.lastSyncTime().map(Object::toString).orElse("never"),
              "events applied    up to seq " + cursor,
              "config            " + (source == null ? "(none: defaults)" : source));
      emit(run, json, human);
      return 0;
    }
  }

  /** {@code tracker sync}. */
  @Command(
      name = "sync",
      description = {
        "Mirror the backlog into the tracker.",
        "From the bridge's durable cursor it writes features, events and ROADMAP.md, adds a"
            + " CHANGELOG.md entry per completed feature, then drains the provider's pending"
            + " writes. Safe to interrupt and rerun: the end state is the same."
      })
  static final class Sync extends Base {
    @Override
    int run(RunContext run, TrackerConfig config, TrackerProvider provider) {
      boolean progress = System.console() != null && !run.json();
      PrintStream err = run.err();
      SyncObserver observer = run.syncObserver();
      BridgeReport bridged =
          new TrackerBridge(run.backlog(), provider, cursorFile(config))
              .pumpObserved(
                  count -> {
                    observer.afterEvent(count);
                    if (progress && count % PROGRESS_EVERY == 0) {
                      err.print("\rtracker sync: " + count + " events applied");
                      err.flush();
                    }
                  });
      if (progress && bridged.events() >= PROGRESS_EVERY) {
        err.println("\rtracker sync: " + bridged.events() + " events applied");
      }
      int added = 0;
      for (ChangelogEntry entry : ChangelogFromFeatures.entries(provider)) {
        if (provider.appendChangelog(entry).changed()) {
          added++;
        }
      }
      SyncReport synced = provider.sync();
      int changelogEntries = added;
      String json =
          JsonContract.render(
              g -> {
                g.writeStartObject();
                g.writeNumberField("drained", synced.drained());
                g.writeNumberField("quarantined", synced.quarantined());
                g.writeNumberField("conflicted", synced.conflicted());
                g.writeNumberField("pending", synced.remaining());
                g.writeNumberField("events", bridged.events());
                g.writeNumberField("featuresWritten", bridged.featuresWritten());
                g.writeNumberField("changelogEntries", changelogEntries);
                g.writeEndObject();
              });
      String human =
          "synced "
              + provider.id()
              + ": "
              + count(bridged.events(), "event", "events")
              + " applied, "
              + count(bridged.featuresWritten(), "feature", "features")
              + " written, "
              + count(changelogEntries, "changelog entry", "changelog entries")
              + " added; ops drained "
              + synced.drained()
              + ", quarantined "
              + synced.quarantined()
              + ", conflicted "
              + synced.conflicted()
              + ", pending "
              + synced.remaining();
      emit(run, json, human);
      return 0;
    }
  }

  /** {@code tracker render}. */
  @Command(
      name = "render",
      description =
          "Re-render the roadmap (ROADMAP.md for the local provider) from the tracker's features.")
  static final class Render extends Base {
    @Override
    int run(RunContext run, TrackerConfig config, TrackerProvider provider) {
      int features = provider.listFeatures().size();
      String roadmap = provider.renderRoadmap();
      String json =
          JsonContract.render(
              g -> {
                g.writeStartObject();
                g.writeStringField("provider", provider.id());
                g.writeNumberField("features", features);
                g.writeNumberField("roadmapChars", roadmap.length());
                g.writeEndObject();
              });
      emit(
          run,
          json,
          "rendered the roadmap of "
              + count(features, "feature", "features")
              + " in the "
              + provider.id()
              + " tracker");
      return 0;
    }
  }

  /** {@code n} and the noun, "1 event" or "2 events". */
  private static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
