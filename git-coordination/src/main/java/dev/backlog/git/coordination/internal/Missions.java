package dev.backlog.git.coordination.internal;

import static dev.backlog.git.coordination.Coordinator.EVENTS_DRIVER;
import static dev.backlog.git.coordination.Coordinator.STATUS_DRIVER;
import static dev.backlog.git.coordination.Coordinator.WORKTREES_DIR;

import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import dev.backlog.git.coordination.Mission;
import dev.backlog.git.coordination.StatusReducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Missions and their coordination branches: creating a mission's branch, worktree and status files,
 * listing missions, and the repository set-up they need (merge drivers, the excluded worktrees
 * directory).
 *
 * <p>Thread-safe: holds no state of its own; writes happen under the mission lock.
 */
public final class Missions {

  // Logs under the facade's name so that host logging configuration keeps applying.
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final Repository repo;
  private final Recovery recovery;
  private final SafeCommit commits;
  private final GitRunner git;
  private final Path root;

  /** Manages the missions of {@code repo}. */
  public Missions(Repository repo, Recovery recovery, SafeCommit commits) {
    this.repo = repo;
    this.recovery = recovery;
    this.commits = commits;
    this.git = repo.git();
    this.root = repo.root();
  }

  /** As {@link Coordinator#init(Mission, String)}. */
  public Mission init(Mission m, String baseRef) {
    registerMergeDrivers();
    excludeWorktreesDir();
    String ref = "refs/heads/" + m.branch();
    if (repo.resolve(ref).isEmpty()) {
      GitResult base = git.run(root, "rev-parse", "--verify", "-q", baseRef + "^{commit}");
      if (!base.ok()) {
        throw InvalidInputException.of(
            "base",
            "base '"
                + baseRef
                + "' is not a commit in "
                + root
                + "; give a branch, tag or commit to start the mission from");
      }
      GitResult created = git.run(root, "update-ref", ref, base.text(), "");
      if (!created.ok() && repo.resolve(ref).isEmpty()) {
        throw new GitCoordinationException(GitErrorCode.GIT_FAILED, created.describe());
      }
      LOG.info("created coordination branch {} at {}", m.branch(), base.text());
    }
    Path wt = repo.ensureWorktree(repo.coordinationWorktree(m), m.branch(), List.of());
    LockManager.Held held = repo.lock(m);
    try {
      recovery.recover(m);
      Path data = wt.resolve(m.dataDir());
      Files.createDirectories(data);
      List<String> paths = new ArrayList<>();
      Path log = wt.resolve(m.eventLogPath());
      if (!Files.exists(log)) {
        AtomicFiles.write(log, new byte[0]);
      }
      Path status = wt.resolve(m.statusPath());
      if (!Files.exists(status)) {
        AtomicFiles.write(status, EventLogCodec.render(StatusReducer.reduce(m, List.of())));
      }
      Path attributes = data.resolve(".gitattributes");
      byte[] attr =
          ("status.events.jsonl merge="
                  + EVENTS_DRIVER
                  + "\nstatus.json merge="
                  + STATUS_DRIVER
                  + "\n")
              .getBytes(StandardCharsets.UTF_8);
      if (!Files.exists(attributes)
          || !java.util.Arrays.equals(Files.readAllBytes(attributes), attr)) {
        AtomicFiles.write(attributes, attr);
      }
      paths.add(m.eventLogPath());
      paths.add(m.statusPath());
      paths.add(m.dataDir() + "/.gitattributes");
      commits.commitPaths(
          wt, m.branch(), paths, "Start mission " + m.handle(), p -> {}, Optional.empty());
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.GIT_FAILED,
          "cannot write the mission files in " + wt + ": " + e.getMessage(),
          e);
    } finally {
      held.close();
    }
    return m;
  }

  /** The missions that have a coordination branch, sorted by handle. */
  public List<Mission> missions() {
    List<Mission> out = new ArrayList<>();
    for (String ref :
        git.require(root, "for-each-ref", "--format=%(refname)", "refs/heads/backlog/").lines()) {
      Mission.fromBranch(ref).ifPresent(out::add);
    }
    out.sort(java.util.Comparator.comparing(Mission::handle));
    return out;
  }

  /** As {@link Coordinator#mission(String)}. */
  public Mission resolve(String handleOrSlug) {
    List<Mission> missions = missions();
    Optional<Mission> asHandle = asHandle(handleOrSlug);
    if (asHandle.isPresent() && missions.contains(asHandle.get())) {
      return asHandle.get();
    }
    List<Mission> withSlug = missions.stream().filter(m -> m.slug().equals(handleOrSlug)).toList();
    if (withSlug.size() == 1) {
      return withSlug.get(0);
    }
    if (withSlug.size() > 1) {
      throw InvalidInputException.of(
          "mission",
          "mission slug '"
              + handleOrSlug
              + "' names "
              + withSlug.size()
              + " missions ("
              + String.join(", ", withSlug.stream().map(Mission::handle).toList())
              + "); give the handle of one");
    }
    if (asHandle.isPresent()) {
      return asHandle.get();
    }
    if (handleOrSlug != null && Mission.isSlug(handleOrSlug)) {
      throw new GitCoordinationException(
          GitErrorCode.MISSION_NOT_FOUND,
          "no mission has the slug '"
              + handleOrSlug
              + "'; start one with 'backlog coord init --mission "
              + handleOrSlug
              + "', or list missions with 'backlog coord status'");
    }
    return Mission.parse(handleOrSlug);
  }

  private static Optional<Mission> asHandle(String text) {
    try {
      return Optional.of(Mission.parse(text));
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
  }

  /** Refuses a mission without a coordination branch. */
  public void requireMission(Mission m) {
    if (repo.resolve("refs/heads/" + m.branch()).isEmpty()) {
      throw new GitCoordinationException(
          GitErrorCode.MISSION_NOT_FOUND,
          "mission "
              + m.handle()
              + " has no"
              + " coordination branch "
              + m.branch()
              + "; create it with 'backlog coord init'");
    }
  }

  /** Registers the merge drivers in the repository's git config (local scope). Idempotent. */
  public void registerMergeDrivers() {
    String command =
        repo.config().mergeDriverCommand().orElseGet(Coordinator::thisJvmDriverCommand);
    git.require(
        root,
        "config",
        "--local",
        "merge." + EVENTS_DRIVER + ".name",
        "backlog event log: union by event id, ordered by clock");
    git.require(root, "config", "--local", "merge." + EVENTS_DRIVER + ".driver", command);
    git.require(
        root,
        "config",
        "--local",
        "merge." + STATUS_DRIVER + ".name",
        "backlog status: keep ours, re-materialized after the merge");
    git.require(root, "config", "--local", "merge." + STATUS_DRIVER + ".driver", "true");
  }

  private void excludeWorktreesDir() {
    Path exclude = repo.commonDir().resolve("info").resolve("exclude");
    try {
      String current =
          Files.exists(exclude) ? Files.readString(exclude, StandardCharsets.UTF_8) : "";
      if (!current.lines().anyMatch(l -> l.strip().equals("/" + WORKTREES_DIR + "/"))) {
        String next =
            current
                + (current.isEmpty() || current.endsWith("\n") ? "" : "\n")
                + "/"
                + WORKTREES_DIR
                + "/\n";
        AtomicFiles.write(exclude, next.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      LOG.warn("cannot add /{}/ to {}: {}", WORKTREES_DIR, exclude, e.getMessage());
    }
  }
}
