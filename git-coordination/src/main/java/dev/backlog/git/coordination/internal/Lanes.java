package dev.backlog.git.coordination.internal;

import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.CleanupReport;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import dev.backlog.git.coordination.Lane;
import dev.backlog.git.coordination.Mission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lanes of a mission: their branches and sparse worktrees, the markers that record when a lane
 * was merged, and removing lanes by hand or by cleanup after the grace period.
 *
 * <p>Thread-safe: holds no state of its own; changes happen under the mission lock.
 */
public final class Lanes {

  // Logs under the facade's name so that host logging configuration keeps applying.
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private static final Pattern LANE_SUFFIX = Pattern.compile("-lane-(\\d+)$");

  private final Repository repo;
  private final GitRunner git;
  private final Path root;

  /** Manages the lanes of the missions in {@code repo}. */
  public Lanes(Repository repo) {
    this.repo = repo;
    this.git = repo.git();
    this.root = repo.root();
  }

  /** As {@link Coordinator#addLane(Mission, int)}, for a mission known to exist. */
  public Lane addLane(Mission m, int n) {
    LockManager.Held held = repo.lock(m);
    try {
      return addLaneLocked(m, n);
    } finally {
      held.close();
    }
  }

  private Lane addLaneLocked(Mission m, int n) {
    int number = n;
    if (number == 0) {
      number = lanes(m).stream().mapToInt(Lane::number).max().orElse(0) + 1;
    }
    if (number < 0) {
      throw InvalidInputException.of(
          "lane", "lane number " + n + " is not valid; use 1 or more, or 0 for the next free one");
    }
    String branch = m.laneBranch(number);
    String ref = "refs/heads/" + branch;
    if (repo.resolve(ref).isEmpty()) {
      String tip = repo.resolve("refs/heads/" + m.branch()).orElseThrow();
      GitResult created = git.run(root, "update-ref", ref, tip, "");
      if (!created.ok() && repo.resolve(ref).isEmpty()) {
        throw new GitCoordinationException(GitErrorCode.REF_MOVED, created.describe() + "; retry");
      }
    }
    Path wt =
        repo.ensureWorktree(
            repo.laneWorktree(m, number),
            branch,
            List.of("/" + m.eventLogPath(), "/" + m.statusPath()));
    return new Lane(m, number, branch, wt);
  }

  /** The mission's lanes (those with a lane branch), sorted by number. */
  public List<Lane> lanes(Mission m) {
    List<Lane> out = new ArrayList<>();
    String prefix = "refs/heads/" + m.branch() + "-lane-";
    for (String ref :
        git.require(root, "for-each-ref", "--format=%(refname)", "refs/heads/backlog/").lines()) {
      if (ref.startsWith(prefix)) {
        var matcher = LANE_SUFFIX.matcher(ref);
        if (matcher.find() && ref.length() == prefix.length() + matcher.group(1).length()) {
          int n = Integer.parseInt(matcher.group(1));
          out.add(new Lane(m, n, m.laneBranch(n), repo.laneWorktree(m, n)));
        }
      }
    }
    out.sort(java.util.Comparator.comparingInt(Lane::number));
    return out;
  }

  /** As {@link Coordinator#removeLane(Mission, int, boolean)}. */
  public void removeLane(Mission m, int n, boolean force) {
    LockManager.Held held = repo.lock(m);
    try {
      removeLaneLocked(m, n, force);
    } finally {
      held.close();
    }
  }

  private void removeLaneLocked(Mission m, int n, boolean force) {
    Lane lane =
        lanes(m).stream()
            .filter(l -> l.number() == n)
            .findFirst()
            .orElseThrow(
                () ->
                    new GitCoordinationException(
                        GitErrorCode.LANE_NOT_FOUND,
                        "mission "
                            + m.handle()
                            + " has no lane "
                            + n
                            + "; list lanes with 'backlog coord lane list'"));
    if (!force) {
      if (Files.isDirectory(lane.worktree()) && repo.dirty(lane.worktree())) {
        throw new GitCoordinationException(
            GitErrorCode.DIRTY_WORKTREE,
            "lane "
                + n
                + " in "
                + lane.worktree()
                + " has uncommitted changes; commit or discard them, or remove with --force");
      }
      if (!repo.isAncestor("refs/heads/" + lane.branch(), "refs/heads/" + m.branch())) {
        throw new GitCoordinationException(
            GitErrorCode.DIRTY_WORKTREE,
            "lane "
                + n
                + " has commits not merged"
                + " into "
                + m.branch()
                + "; merge the mission first, or remove with --force");
      }
    }
    removeWorktreeAndBranch(lane, force);
  }

  private void removeWorktreeAndBranch(Lane lane, boolean force) {
    if (repo.isRegistered(lane.worktree())) {
      List<String> args = new ArrayList<>(List.of("worktree", "remove"));
      if (force) {
        args.add("--force");
      }
      args.add(lane.worktree().toString());
      git.require(root, args);
    }
    git.require(root, "worktree", "prune");
    Optional<String> tip = repo.resolve("refs/heads/" + lane.branch());
    if (tip.isPresent()) {
      GitResult deleted =
          git.run(root, "update-ref", "-d", "refs/heads/" + lane.branch(), tip.get());
      if (!deleted.ok() && repo.resolve("refs/heads/" + lane.branch()).isPresent()) {
        throw new GitCoordinationException(
            GitErrorCode.REF_MOVED,
            "lane branch "
                + lane.branch()
                + " moved while it was being removed; inspect it and remove again");
      }
    }
    try {
      AtomicFiles.delete(
          repo.stateDir(lane.mission()).resolve("lane-" + lane.number() + ".merged"));
    } catch (IOException e) {
      LOG.debug("cannot remove merge marker of lane {}", lane.number(), e);
    }
    LOG.info("removed lane {} of mission {}", lane.number(), lane.mission().handle());
  }

  /** As {@link Coordinator#cleanup(Mission, Duration)}, for a mission known to exist. */
  public CleanupReport cleanup(Mission m, Duration grace) {
    List<Integer> removed = new ArrayList<>();
    Map<Integer, String> kept = new LinkedHashMap<>();
    Instant now = repo.config().clock().instant();
    LockManager.Held held = repo.lock(m);
    try {
      for (Lane lane : lanes(m)) {
        if (!repo.isAncestor("refs/heads/" + lane.branch(), "refs/heads/" + m.branch())) {
          kept.put(lane.number(), "not merged into " + m.branch());
          continue;
        }
        Optional<Instant> mergedAt = marker(m, lane.number());
        if (mergedAt.isEmpty() || mergedAt.get().plus(grace).isAfter(now)) {
          kept.put(
              lane.number(),
              mergedAt
                  .map(t -> "merged at " + t + ", within the grace period of " + grace)
                  .orElse("no merge recorded by 'coord merge'"));
          continue;
        }
        if (Files.isDirectory(lane.worktree()) && repo.dirty(lane.worktree())) {
          kept.put(lane.number(), "worktree " + lane.worktree() + " has uncommitted changes");
          continue;
        }
        removeWorktreeAndBranch(lane, false);
        removed.add(lane.number());
      }
    } finally {
      held.close();
    }
    return new CleanupReport(removed, kept);
  }

  /** When lane {@code lane} was recorded as merged; a damaged marker is rewritten as merged now. */
  public Optional<Instant> marker(Mission m, int lane) {
    Path f = repo.stateDir(m).resolve("lane-" + lane + ".merged");
    try {
      return Files.exists(f)
          ? Optional.of(Instant.parse(Files.readString(f, StandardCharsets.UTF_8).strip()))
          : Optional.empty();
    } catch (IOException | java.time.DateTimeException e) {
      LOG.warn("merge marker {} is damaged; treating lane {} as merged now", f, lane);
      writeMarker(m, lane);
      return Optional.of(repo.config().clock().instant());
    }
  }

  /** Records lane {@code lane} as merged now. */
  public void writeMarker(Mission m, int lane) {
    try {
      AtomicFiles.write(
          repo.stateDir(m).resolve("lane-" + lane + ".merged"),
          repo.config().clock().instant().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("cannot write the merge marker of lane {}: {}", lane, e.getMessage());
    }
  }
}
