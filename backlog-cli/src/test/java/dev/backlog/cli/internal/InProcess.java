package dev.backlog.cli.internal;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs commands in-process against one in-memory store that outlives each run, recording the
 * settings used.
 */
final class InProcess {

  record Run(int exit, String out, String err) {}

  final InMemoryBacklogStore store = new InMemoryBacklogStore(InstantSource.system());
  final Map<String, String> env = new HashMap<>();
  Path workingDir;
  Settings lastSettings;
  SyncObserver syncObserver = SyncObserver.NONE;

  InProcess(Path home, Path workingDir) {
    env.put("BACKLOG_HOME", home.toString());
    this.workingDir = workingDir;
  }

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StoreOpener opener =
        (settings, pool, brief) -> {
          lastSettings = settings;
          return new NonClosing(store);
        };
    int exit =
        new Cli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                workingDir,
                opener,
                syncObserver)
            .execute(args);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Keeps the shared store open when a run's backlog closes. */
  static final class NonClosing implements BacklogStore {
    private final BacklogStore delegate;

    NonClosing(BacklogStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(StoreWork<T> work) {
      return delegate.inTransaction(work);
    }

    @Override
    public void awaitChange(Duration timeout) throws InterruptedException {
      delegate.awaitChange(timeout);
    }

    @Override
    public int coalescedInFlight() {
      return delegate.coalescedInFlight();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {}
  }
}
