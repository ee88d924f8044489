package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.Changelogs;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.FeatureJson;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpExecutor;
import dev.backlog.tracker.spi.OpLog;
import dev.backlog.tracker.spi.OpState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the GitHub provider's ops (the kinds are listed in {@link OpKinds}): issue and project ops
 * through {@link IssueOps}, file writes through {@link ContentsWriter}. Uncertain creates and
 * comments are looked up by their marker in the paginated issue and comment lists; the other kinds
 * are idempotent and simply run again.
 *
 * <p>Not thread-safe; used under the provider's lock.
 */
public final class OpRunner {

  private static final Logger LOG = LoggerFactory.getLogger(OpRunner.class);

  private final Repo repo;
  private final Projects projects;
  private final LocalState state;
  private final String branch;
  private final String roadmapPath;
  private final String changelogPath;
  private final ContentsWriter contents;

  /** Creates the runner; {@code projects} is null when no project is configured. */
  public OpRunner(
      Repo repo,
      Projects projects,
      LocalState state,
      String branch,
      String roadmapPath,
      String changelogPath) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.projects = projects;
    this.state = Objects.requireNonNull(state, "state");
    this.branch = Objects.requireNonNull(branch, "branch");
    this.roadmapPath = roadmapPath;
    this.changelogPath = changelogPath;
    this.contents = new ContentsWriter(repo, branch);
  }

  /** Starts one sync's run over the op-log and the ledger. */
  public Run start(OpLog log, ConflictLedger ledger) {
    return new Run(log, ledger);
  }

  /**
   * One sync: the op executor plus what the sync learns on the way (the issue list, a rate-limit
   * stop, problems a person must fix).
   */
  public final class Run implements OpExecutor {

    private final OpLog log;
    private final ConflictLedger ledger;
    private final IssueIndex index;
    private final IssueOps issues;
    private boolean stopped;
    private final List<String> stoppedOps = new ArrayList<>();
    private final List<GitHubException> problems = new ArrayList<>();

    private Run(OpLog log, ConflictLedger ledger) {
      this.log = log;
      this.ledger = ledger;
      this.index = new IssueIndex(repo);
      this.issues = new IssueOps(repo, projects, state, log, ledger, index);
    }

    /** Whether a rate limit stopped the run. */
    public boolean stopped() {
      return stopped;
    }

    /** Failures a person must fix (setup, authentication), in the order met. */
    public List<GitHubException> problems() {
      return List.copyOf(problems);
    }

    /**
     * Compares each feature that has an issue and no issue update waiting with its issue, and
     * queues an update where the issue's managed fields moved away from the last synced values
     * (edited by people).
     */
    public void pull(List<Feature> features) {
      Set<CardId> busy = new HashSet<>();
      log.openOps().stream()
          .filter(
              op ->
                  (op.kind().equals(OpKinds.UPDATE_ISSUE) || op.kind().equals(OpKinds.CREATE_ISSUE))
                      && op.state().isPending())
          .forEach(op -> busy.add(op.feature()));
      Map<CardId, LocalState.IssueRef> refs = state.issues();
      if (refs.isEmpty()) {
        return;
      }
      try {
        index.load();
      } catch (RateLimitedException e) {
        stopped = true;
        LOG.warn("{}", e.getMessage());
        return;
      } catch (GitHubException e) {
        LOG.warn(
            "could not list the issues to look for edits by people ({}); the next sync looks again",
            e.getMessage());
        return;
      }
      for (Feature feature : features) {
        LocalState.IssueRef ref = refs.get(feature.code());
        if (ref == null || busy.contains(feature.code())) {
          continue;
        }
        JsonNode issue = index.byNumber(ref.number());
        if (issue == null) {
          continue;
        }
        SortedMap<String, String> base = ledger.base(feature.code());
        if (!IssueOps.remoteValues(feature.code(), issue, base).equals(base)
            || !Markers.issueBody(feature, ref.createOp()).equals(issue.path("body").asText())) {
          log.enqueue(feature.code(), OpKinds.UPDATE_ISSUE, OpKinds.codeJson(feature.code()));
        }
      }
    }

    /**
     * Drains the op-log, with up to two more passes while ops made progress and some are uncertain,
     * so an op whose answer was lost early in the sync is looked up and finished in the same sync.
     * Ops a rate-limit stop held back are put back as pending with their attempts cleared.
     */
    public SyncReport drain() {
      int drained = 0;
      int quarantined = 0;
      int conflicted = 0;
      for (int pass = 0; pass < 3; pass++) {
        SyncReport r = log.drain(this);
        int held = stoppedOps.size();
        for (String id : stoppedOps) {
          log.find(id).filter(op -> op.state() == OpState.CONFLICT).ifPresent(op -> log.retry(id));
        }
        stoppedOps.clear();
        drained += r.drained();
        quarantined += r.quarantined();
        conflicted += Math.max(0, r.conflicted() - held);
        boolean uncertain = log.openOps().stream().anyMatch(op -> op.state() == OpState.UNCERTAIN);
        if (stopped || r.drained() == 0 || !uncertain) {
          break;
        }
      }
      return new SyncReport(drained, quarantined, conflicted, log.pending());
    }

    /** Refreshes the local changelog copy from the repository. */
    public void pullChangelog() {
      try {
        repo.file(changelogPath, branch)
            .ifPresent(f -> state.putText(OpKinds.CHANGELOG_FILE, f.content()));
      } catch (RateLimitedException e) {
        stopped = true;
        LOG.warn("{}", e.getMessage());
      } catch (GitHubException e) {
        LOG.warn(
            "could not read {} to refresh the local changelog ({}); the next sync reads it again",
            changelogPath,
            e.getMessage());
      }
    }

    @Override
    public Outcome apply(Op op) throws Exception {
      if (stopped) {
        stoppedOps.add(op.id());
        return Outcome.CONFLICT;
      }
      try {
        switch (op.kind()) {
          case OpKinds.CREATE_ISSUE:
            return issues.create(op);
          case OpKinds.UPDATE_ISSUE:
            return issues.update(op);
          case OpKinds.COMMENT:
            return issues.comment(FeatureJson.readEvent(op.payload()));
          case OpKinds.PROJECT_STATUS:
            return issues.projectStatus(op.feature());
          case OpKinds.ROADMAP_PUT:
            String roadmap = Roadmaps.render(state.features());
            contents.write(roadmapPath, current -> roadmap, "Update the roadmap");
            state.putText(OpKinds.ROADMAP_SHA_FILE, BlobSha.of(roadmap));
            return Outcome.DONE;
          case OpKinds.CHANGELOG_ENTRY:
            ChangelogEntry entry = OpKinds.entry(op.payload());
            contents.write(
                changelogPath,
                current -> Changelogs.splice(current, entry).content(),
                "Changelog: " + entry.code() + " in " + entry.version());
            return Outcome.DONE;
          case OpKinds.CHANGELOG_PUT:
            String content = OpKinds.parse(op.payload()).path("content").asText();
            contents.write(changelogPath, current -> content, "Update the changelog");
            return Outcome.DONE;
          default:
            throw new IllegalStateException(
                "op "
                    + op.id()
                    + " has the unknown kind '"
                    + op.kind()
                    + "'; a newer version of the provider wrote it, or the op-log was edited: discard it");
        }
      } catch (RateLimitedException e) {
        LOG.warn("{}", e.getMessage());
        stopped = true;
        stoppedOps.add(op.id());
        return Outcome.CONFLICT;
      } catch (GitHubException e) {
        GitHubErrorCode code =
            e.code() instanceof GitHubErrorCode ? (GitHubErrorCode) e.code() : null;
        if (code == GitHubErrorCode.GITHUB_PROJECT_SETUP
            || code == GitHubErrorCode.GITHUB_AUTH
            || code == GitHubErrorCode.GITHUB_NOT_FOUND) {
          problems.add(e);
        }
        throw e;
      }
    }

    @Override
    public Resolution resolve(Op op) throws Exception {
      if (stopped) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_RATE_LIMITED,
            "the sync stopped at a rate limit before op " + op.id() + " could be looked up");
      }
      try {
        switch (op.kind()) {
          case OpKinds.CREATE_ISSUE:
            index.load();
            JsonNode issue = index.byOp(op.id());
            if (issue != null && state.issue(op.feature()).isEmpty()) {
              issues.adopt(op.feature(), issue);
              ledger.recordSynced(
                  op.feature(),
                  IssueOps.remoteValues(op.feature(), issue, ledger.base(op.feature())));
              LOG.info(
                  "the issue #{} of uncertain op {} was found by its marker; {} is linked to it",
                  issue.path("number").asInt(),
                  op.id(),
                  op.feature());
            }
            // not APPLIED: the op then runs again and brings the found issue up to date (labels,
            // state)
            return Resolution.NOT_APPLIED;
          case OpKinds.COMMENT:
            FeatureEvent event = FeatureJson.readEvent(op.payload());
            Optional<LocalState.IssueRef> ref = state.issue(event.code());
            if (ref.isEmpty()) {
              return Resolution.NOT_APPLIED;
            }
            return index.commentIds(ref.get().number(), true).contains(event.id())
                ? Resolution.APPLIED
                : Resolution.NOT_APPLIED;
          default:
            return Resolution.NOT_APPLIED;
        }
      } catch (RateLimitedException e) {
        stopped = true;
        throw e;
      }
    }
  }
}
