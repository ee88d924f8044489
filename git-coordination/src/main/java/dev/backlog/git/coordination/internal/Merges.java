package dev.backlog.git.coordination.internal;

import static dev.backlog.git.coordination.Coordinator.WORKTREES_DIR;

import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.BookkeepingTransaction;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import dev.backlog.git.coordination.Lane;
import dev.backlog.git.coordination.MergeConflictException;
import dev.backlog.git.coordination.MergeReport;
import dev.backlog.git.coordination.Mission;
import dev.backlog.git.coordination.StatusReducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-stage merge: every lane into the coordination branch, then the coordination branch into a
 * target, serialized per target by a persisted FIFO, with {@code status.json} re-materialized from
 * the merged log.
 *
 * <p>Thread-safe: holds no state of its own; merges into one target take turns.
 */
public final class Merges {

  // Logs under the facade's name so that host logging configuration keeps applying.
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final Repository repo;
  private final Lanes lanes;
  private final GitRunner git;
  private final Path root;

  /** Merges the missions of {@code repo}. */
  public Merges(Repository repo, Lanes lanes) {
    this.repo = repo;
    this.lanes = lanes;
    this.git = repo.git();
    this.root = repo.root();
  }

  /**
   * As {@link Coordinator#merge(Mission, String)}, for a mission known to exist; {@code begin}
   * starts the bookkeeping transaction that holds the mission lock during the merge.
   */
  public MergeReport merge(
      Mission m, String target, Function<Mission, BookkeepingTransaction> begin) {
    String targetBranch = target.startsWith("refs/heads/") ? target.substring(11) : target;
    String targetRef = "refs/heads/" + targetBranch;
    if (repo.resolve(targetRef).isEmpty()) {
      throw InvalidInputException.of(
          "target",
          "target branch '"
              + targetBranch
              + "' does not exist; create it"
              + " or name an existing branch");
    }
    if (targetBranch.equals(m.branch()) || targetBranch.startsWith(m.branch() + "-lane-")) {
      throw InvalidInputException.of(
          "target", "target '" + targetBranch + "' is part of mission " + m.handle());
    }
    MergeQueue queue =
        new MergeQueue(
            repo.commonDir()
                .resolve("backlog")
                .resolve("merge-queue")
                .resolve(
                    targetBranch.replaceAll("[^A-Za-z0-9._-]", "_")
                        + "-"
                        + AtomicFiles.sha256(targetBranch.getBytes(StandardCharsets.UTF_8))
                            .substring(0, 12)),
            repo.locks());
    LockManager.Held turn = queue.await(repo.config().lockTimeout());
    try (BookkeepingTransaction tx = begin.apply(m)) {
      Path coordWt = tx.worktree();
      Optional<Worktrees.Entry> checkedOut = repo.worktreeOf(targetRef);
      if (checkedOut.isPresent() && repo.dirty(checkedOut.get().path())) {
        throw new GitCoordinationException(
            GitErrorCode.DIRTY_WORKTREE,
            "target "
                + targetBranch
                + " is checked out"
                + " in "
                + checkedOut.get().path()
                + " with uncommitted changes; commit or stash them, then merge again");
      }
      List<Integer> merged = new ArrayList<>();
      for (Lane lane : lanes.lanes(m)) {
        String laneRef = "refs/heads/" + lane.branch();
        if (repo.isAncestor(laneRef, "refs/heads/" + m.branch())) {
          if (lanes.marker(m, lane.number()).isEmpty()) {
            lanes.writeMarker(m, lane.number());
          }
          continue;
        }
        mergeInto(
            coordWt,
            laneRef,
            m.branch(),
            "Merge lane " + lane.number() + " of mission " + m.handle());
        merged.add(lane.number());
        lanes.writeMarker(m, lane.number());
      }
      String coordTip = repo.resolve("refs/heads/" + m.branch()).orElseThrow();
      Optional<String> targetCommit = Optional.empty();
      if (!repo.isAncestor("refs/heads/" + m.branch(), targetRef)) {
        targetCommit =
            Optional.of(
                checkedOut.isPresent()
                    ? mergeIntoCheckedOut(m, checkedOut.get().path(), targetBranch)
                    : mergeInTemporaryWorktree(m, targetBranch));
      }
      LOG.info(
          "merged mission {} into {}: lanes {}, target {}",
          m.handle(),
          targetBranch,
          merged,
          targetCommit);
      return new MergeReport(m, targetBranch, merged, coordTip, targetCommit);
    } finally {
      turn.close();
    }
  }

  /** Merges {@code source} into the branch checked out in {@code wt}; aborts on conflict. */
  private String mergeInto(Path wt, String source, String destination, String message) {
    String before = git.require(wt, "rev-parse", "HEAD").text();
    GitResult r = git.run(wt, "merge", "--no-ff", "--no-edit", "-m", message, source);
    if (!r.ok()) {
      abortMerge(wt, source, destination, r);
    }
    String after = git.require(wt, "rev-parse", "HEAD").text();
    if (after.equals(before)) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED, r.describe() + "; the merge made no commit");
    }
    return after;
  }

  private void abortMerge(Path wt, String source, String destination, GitResult r) {
    List<String> conflicts =
        git.run(wt, "diff", "--name-only", "--diff-filter=U", "-z").nulSeparated();
    boolean inProgress = Files.exists(repo.gitPath(wt, "MERGE_HEAD"));
    if (inProgress) {
      git.run(wt, "merge", "--abort");
    }
    if (!conflicts.isEmpty()) {
      throw new MergeConflictException(source, destination, conflicts);
    }
    GitErrorCode code = r.timedOut() ? GitErrorCode.GIT_TIMEOUT : GitErrorCode.COMMIT_REFUSED;
    throw new GitCoordinationException(
        code,
        "merging "
            + source
            + " into "
            + destination
            + " failed: "
            + r.describe()
            + "; nothing changed");
  }

  private String mergeIntoCheckedOut(Mission m, Path wt, String targetBranch) {
    String source = "refs/heads/" + m.branch();
    String message = "Merge mission " + m.handle() + " into " + targetBranch;
    GitResult r = git.run(wt, "merge", "--no-ff", "--no-commit", "-m", message, source);
    boolean inProgress = Files.exists(repo.gitPath(wt, "MERGE_HEAD"));
    if (!r.ok() || !inProgress) {
      if (!r.ok()) {
        abortMerge(wt, source, targetBranch, r);
      }
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED, r.describe() + " left no merge in progress in " + wt);
    }
    try {
      rematerialize(m, wt);
    } catch (RuntimeException | IOException e) {
      git.run(wt, "merge", "--abort");
      throw new GitCoordinationException(
          GitErrorCode.CORRUPT_STATE,
          "cannot materialize the merged status of "
              + m.handle()
              + ": "
              + e.getMessage()
              + "; the merge was aborted",
          e);
    }
    GitResult c = git.run(wt, "commit", "-q", "--no-edit");
    if (!c.ok()) {
      git.run(wt, "merge", "--abort");
      throw new GitCoordinationException(
          c.timedOut() ? GitErrorCode.GIT_TIMEOUT : GitErrorCode.COMMIT_REFUSED,
          "the merge commit on "
              + targetBranch
              + " was refused: "
              + c.describe()
              + "; the merge was aborted");
    }
    return git.require(wt, "rev-parse", "HEAD").text();
  }

  private String mergeInTemporaryWorktree(Mission m, String targetBranch) {
    String targetRef = "refs/heads/" + targetBranch;
    String old = repo.resolve(targetRef).orElseThrow();
    Path tmp = root.resolve(WORKTREES_DIR).resolve(".merge-" + java.util.UUID.randomUUID());
    git.require(root, "worktree", "add", "--detach", tmp.toString(), old);
    try {
      String merged = mergeIntoCheckedOut(m, tmp, targetBranch);
      GitResult cas =
          git.run(root, "update-ref", "-m", "backlog merge " + m.handle(), targetRef, merged, old);
      if (!cas.ok()) {
        throw new GitCoordinationException(
            GitErrorCode.REF_MOVED,
            "target "
                + targetBranch
                + " moved from "
                + old
                + " during the merge; nothing was changed; merge again");
      }
      return merged;
    } finally {
      git.run(root, "worktree", "remove", "--force", tmp.toString());
      git.run(root, "worktree", "prune");
    }
  }

  private void rematerialize(Mission m, Path wt) throws IOException {
    Path log = wt.resolve(m.eventLogPath());
    if (!Files.exists(log)) {
      return;
    }
    byte[] status =
        EventLogCodec.render(StatusReducer.reduce(m, EventLogCodec.parse(Files.readAllBytes(log))));
    AtomicFiles.write(wt.resolve(m.statusPath()), status);
    git.require(wt, "--literal-pathspecs", "add", "--", m.statusPath());
  }
}
