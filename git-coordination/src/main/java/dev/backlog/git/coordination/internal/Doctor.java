package dev.backlog.git.coordination.internal;

import static dev.backlog.git.coordination.Coordinator.EVENTS_DRIVER;
import static dev.backlog.git.coordination.Coordinator.STATUS_DRIVER;

import dev.backlog.git.coordination.DoctorReport;
import dev.backlog.git.coordination.Lane;
import dev.backlog.git.coordination.Mission;
import dev.backlog.git.coordination.RecoveryReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only inspection: the doctor's health checks and the worktree and branch state reported for
 * recovery after a crash. Changes nothing.
 *
 * <p>Thread-safe: holds no state of its own.
 */
public final class Doctor {

  private final Repository repo;
  private final Missions missions;
  private final Lanes lanes;
  private final GitRunner git;
  private final Path root;

  /** Inspects {@code repo}. */
  public Doctor(Repository repo, Missions missions, Lanes lanes) {
    this.repo = repo;
    this.missions = missions;
    this.lanes = lanes;
    this.git = repo.git();
    this.root = repo.root();
  }

  /**
   * Checks git, the merge drivers, each mission's attributes, lanes' sparse checkout and pending
   * journals.
   */
  public DoctorReport doctor() {
    GitVersion version = repo.version();
    List<DoctorReport.Finding> f = new ArrayList<>();
    f.add(
        new DoctorReport.Finding(
            "git-version", true, "git " + version + " (minimum " + GitVersion.MINIMUM + ")"));
    GitResult driver = git.run(root, "config", "--get", "merge." + EVENTS_DRIVER + ".driver");
    f.add(
        driver.ok() && !driver.text().isBlank()
            ? new DoctorReport.Finding(
                "merge-driver", true, "merge." + EVENTS_DRIVER + ".driver is " + driver.text())
            : new DoctorReport.Finding(
                "merge-driver",
                false,
                "merge driver merge."
                    + EVENTS_DRIVER
                    + ".driver is not"
                    + " configured, so merging event logs can conflict; run 'backlog coord init'"));
    GitResult statusDriver = git.run(root, "config", "--get", "merge." + STATUS_DRIVER + ".driver");
    f.add(
        new DoctorReport.Finding(
            "status-driver",
            statusDriver.ok(),
            statusDriver.ok()
                ? "merge." + STATUS_DRIVER + ".driver is configured"
                : "merge."
                    + STATUS_DRIVER
                    + ".driver is not configured; run 'backlog coord init'"));
    boolean stale =
        Worktrees.list(git, root, version.atLeast(new GitVersion(2, 36, 0))).stream()
            .anyMatch(Worktrees.Entry::prunable);
    f.add(
        new DoctorReport.Finding(
            "worktree-registrations",
            !stale,
            stale
                ? "some worktree registrations point to missing directories; run 'git worktree prune'"
                : "every registered worktree exists"));
    for (Mission m : missions.missions()) {
      GitResult attr =
          git.run(
              root,
              "cat-file",
              "-e",
              "refs/heads/" + m.branch() + ":" + m.dataDir() + "/.gitattributes");
      f.add(
          new DoctorReport.Finding(
              "attributes:" + m.handle(),
              attr.ok(),
              attr.ok()
                  ? m.dataDir() + "/.gitattributes routes the status files to the merge drivers"
                  : m.dataDir()
                      + "/.gitattributes is missing on "
                      + m.branch()
                      + "; run 'backlog coord init --mission "
                      + m.handle()
                      + "'"));
      boolean pending = Files.exists(repo.journalFile(m));
      f.add(
          new DoctorReport.Finding(
              "journal:" + m.handle(),
              !pending,
              pending
                  ? "an unfinished bookkeeping transaction awaits recovery; the next 'coord record' recovers it"
                  : "no unfinished bookkeeping transaction"));
      for (Lane lane : lanes.lanes(m)) {
        if (!Files.isDirectory(lane.worktree())) {
          continue;
        }
        boolean sparseOk =
            Files.notExists(lane.worktree().resolve(m.eventLogPath()))
                && Files.notExists(lane.worktree().resolve(m.statusPath()));
        f.add(
            new DoctorReport.Finding(
                "sparse:" + m.handle() + ":lane-" + lane.number(),
                sparseOk,
                sparseOk
                    ? "lane " + lane.number() + " leaves the status files out"
                    : "lane "
                        + lane.number()
                        + " has the status files checked out; re-create the lane with"
                        + " 'backlog coord lane remove' and 'lane add'"));
      }
    }
    return new DoctorReport(f);
  }

  /** The state of the mission's worktrees and branches for recovery after a crash. */
  public RecoveryReport recoveryReport(Mission m) {
    List<RecoveryReport.WorktreeState> out = new ArrayList<>();
    out.add(state("coordination", m.branch(), repo.coordinationWorktree(m), m.branch()));
    for (Lane lane : lanes.lanes(m)) {
      out.add(state("lane-" + lane.number(), lane.branch(), lane.worktree(), m.branch()));
    }
    return new RecoveryReport(m, Files.exists(repo.journalFile(m)), out);
  }

  private RecoveryReport.WorktreeState state(
      String name, String branch, Path path, String coordination) {
    boolean present = Files.isDirectory(path);
    boolean registered = repo.isRegistered(path);
    boolean branchPresent = repo.resolve("refs/heads/" + branch).isPresent();
    boolean merging = present && registered && Files.exists(repo.gitPath(path, "MERGE_HEAD"));
    boolean rebasing =
        present
            && registered
            && (Files.exists(repo.gitPath(path, "rebase-merge"))
                || Files.exists(repo.gitPath(path, "rebase-apply")));
    boolean dirty = present && registered && repo.dirty(path);
    int ahead = 0;
    int behind = 0;
    if (branchPresent && !branch.equals(coordination)) {
      GitResult counts =
          git.run(
              root,
              "rev-list",
              "--left-right",
              "--count",
              "refs/heads/" + branch + "...refs/heads/" + coordination);
      if (counts.ok()) {
        String[] p = counts.text().strip().split("\\s+");
        ahead = Integer.parseInt(p[0]);
        behind = Integer.parseInt(p[1]);
      }
    }
    return new RecoveryReport.WorktreeState(
        name,
        branch,
        path,
        present,
        registered,
        branchPresent,
        merging,
        rebasing,
        dirty,
        ahead,
        behind);
  }
}
