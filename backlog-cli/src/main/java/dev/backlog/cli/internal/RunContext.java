package dev.backlog.cli.internal;

import dev.backlog.core.Backlog;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The current run as seen by command groups that live outside this package (such as {@code tracker
 * …}): output mode and streams, environment, working directory, resolved settings, the injected
 * observer of tracker syncs and the backlog, opened on first use and closed when the run ends. Not
 * thread-safe; one per run.
 */
public final class RunContext {

  private final Context context;
  private final SyncObserver syncObserver;

  private RunContext(Context context, SyncObserver syncObserver) {
    this.context = context;
    this.syncObserver = syncObserver;
  }

  /** The context of the run that the given command belongs to. */
  public static RunContext of(CommandSpec spec) {
    RootCommand root = (RootCommand) spec.root().userObject();
    return new RunContext(root.context(), root.cli().syncObserver());
  }

  /** Whether {@code --json} was given. */
  public boolean json() {
    return context.json();
  }

  /** Standard output of the run. */
  public PrintStream out() {
    return context.out();
  }

  /** Standard error of the run. */
  public PrintStream err() {
    return context.err();
  }

  /** The environment of the run. */
  public Map<String, String> env() {
    return context.env();
  }

  /** The working directory of the run. */
  public Path workingDir() {
    return context.workingDir();
  }

  /** The settings after precedence (flags, environment, project config, home config, defaults). */
  public Settings settings() {
    return context.settings();
  }

  /**
   * The observer of {@code tracker sync} the CLI was created with ({@link SyncObserver#NONE} in
   * production).
   */
  public SyncObserver syncObserver() {
    return syncObserver;
  }

  /** The backlog, opened on first use; the run closes it. */
  public Backlog backlog() {
    return context.backlog();
  }
}
