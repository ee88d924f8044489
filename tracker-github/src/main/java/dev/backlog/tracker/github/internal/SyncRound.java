package dev.backlog.tracker.github.internal;

import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import dev.backlog.tracker.github.GitHubTracker;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.OpLog;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of the GitHub tracker, in order: pull people's issue edits, queue the roadmap, drain the
 * op-log (once more when the drain changed the roadmap), refresh the local changelog, record the
 * sync time, and report. The caller holds the provider's lock and the open op-log.
 */
public final class SyncRound {

  // the log category of the tracker, which wrote this line before the sync moved here
  private static final Logger LOG = LoggerFactory.getLogger(GitHubTracker.class);

  private final OpRunner runner;
  private final LocalWrites writes;
  private final LocalState state;
  private final InstantSource clock;
  private final String fullName;

  /** Creates the sync over the runner, the verbs' writer and the local state. */
  public SyncRound(
      OpRunner runner, LocalWrites writes, LocalState state, InstantSource clock, String fullName) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.writes = Objects.requireNonNull(writes, "writes");
    this.state = Objects.requireNonNull(state, "state");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fullName = Objects.requireNonNull(fullName, "fullName");
  }

  /**
   * Runs the sync.
   *
   * @throws GitHubException after draining what it could, when an op failed for a reason a person
   *     must fix
   */
  public SyncReport run(OpLog log, ConflictLedger ledger) {
    int conflictsBefore = ledger.conflicts().size();
    OpRunner.Run run = runner.start(log, ledger);
    run.pull(state.features());
    writes.enqueueRoadmap(log);
    SyncReport drained = run.drain();
    if (!run.stopped()) {
      // fields pulled from issues during the drain may change the roadmap: write it in this
      // sync too
      writes.enqueueRoadmap(log);
      if (log.openOps().stream()
          .anyMatch(op -> op.feature().equals(OpKinds.ROADMAP) && op.state().isPending())) {
        SyncReport more = run.drain();
        drained =
            new SyncReport(
                drained.drained() + more.drained(),
                drained.quarantined() + more.quarantined(),
                drained.conflicted() + more.conflicted(),
                more.remaining());
      }
    }
    if (!run.stopped()
        && log.openOps().stream().noneMatch(op -> op.feature().equals(OpKinds.CHANGELOG))) {
      run.pullChangelog();
    }
    int newConflicts = Math.max(0, ledger.conflicts().size() - conflictsBefore);
    SyncReport report =
        new SyncReport(
            drained.drained(),
            drained.quarantined(),
            drained.conflicted() + newConflicts,
            log.pending());
    if (!run.stopped() && run.problems().isEmpty()) {
      state.recordSync(clock.instant());
    }
    LOG.info(
        "github sync of {}: {} drained, {} quarantined, {} conflicted, {} remaining{}",
        fullName,
        report.drained(),
        report.quarantined(),
        report.conflicted(),
        report.remaining(),
        run.stopped() ? " (stopped by a rate limit)" : "");
    if (!run.problems().isEmpty()) {
      GitHubException first = run.problems().get(0);
      throw new GitHubException(
          (GitHubErrorCode) first.code(),
          "sync left " + report.remaining() + " op(s) pending: " + first.getMessage(),
          first);
    }
    return report;
  }
}
