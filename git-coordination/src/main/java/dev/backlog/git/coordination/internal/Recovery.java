package dev.backlog.git.coordination.internal;

import static dev.backlog.git.coordination.Coordinator.TRANSACTION_TRAILER;

import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import dev.backlog.git.coordination.Mission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journal recovery of bookkeeping transactions: rolls an unfinished transaction left by a crash
 * forward (its commit exists, found by trailer) or back (the exact bytes from the journal are
 * restored).
 *
 * <p>Thread-safe: holds no state of its own; callers hold the mission lock.
 */
public final class Recovery {

  // Logs under the facade's name so that host logging configuration keeps applying.
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final Repository repo;
  private final GitRunner git;
  private final Path root;

  /** Recovers transactions in {@code repo}. */
  public Recovery(Repository repo) {
    this.repo = repo;
    this.git = repo.git();
    this.root = repo.root();
  }

  /**
   * Rolls an unfinished transaction forward (its commit exists, found by trailer) or back (the
   * exact bytes from the journal are restored). Called with the mission lock held.
   */
  public void recover(Mission m) {
    Path journalFile = repo.journalFile(m);
    Path wt = repo.coordinationWorktree(m);
    Path log = wt.resolve(m.eventLogPath());
    Path status = wt.resolve(m.statusPath());
    Optional<Journal> journal;
    try {
      journal = Journal.read(journalFile);
    } catch (IOException e) {
      LOG.warn(
          "journal {} is damaged ({}); restoring the status files to the branch tip",
          journalFile,
          e.getMessage());
      removeTempFiles(wt.resolve(m.dataDir()));
      git.require(wt, "checkout", "HEAD", "--", m.eventLogPath(), m.statusPath());
      try {
        Files.move(
            journalFile,
            journalFile.resolveSibling("journal.damaged-" + System.currentTimeMillis()));
      } catch (IOException ex) {
        throw new GitCoordinationException(
            GitErrorCode.CORRUPT_STATE,
            "cannot move the damaged journal "
                + journalFile
                + " aside: "
                + ex.getMessage()
                + "; delete it by hand",
            ex);
      }
      return;
    }
    if (journal.isEmpty()) {
      return;
    }
    Journal j = journal.get();
    LOG.info("recovering bookkeeping transaction {} of mission {}", j.transaction(), m.handle());
    removeTempFiles(wt.resolve(m.dataDir()));
    j.commitPid()
        .flatMap(pid -> ProcessTrees.find(pid, j.commitStarted()))
        .ifPresent(
            p -> {
              LOG.warn("killing git process {} left running by a crashed transaction", p.pid());
              ProcessTrees.killTree(p, Duration.ofSeconds(10));
            });
    repo.removeStaleLocks(wt, m.branch());
    Optional<String> commit = findTransactionCommit(m.branch(), j.head(), j.transaction());
    try {
      if (commit.isPresent()) {
        LOG.info(
            "transaction {} was committed as {}; rolling forward", j.transaction(), commit.get());
        if (repo.dirty(wt, m.eventLogPath(), m.statusPath())) {
          git.require(wt, "checkout", "HEAD", "--", m.eventLogPath(), m.statusPath());
        }
      } else {
        LOG.info("transaction {} was not committed; rolling back", j.transaction());
        rollBack(m, wt, j);
      }
      AtomicFiles.delete(journalFile);
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.CORRUPT_STATE,
          "cannot recover transaction "
              + j.transaction()
              + " in "
              + wt
              + ": "
              + e.getMessage()
              + "; inspect "
              + log
              + " and "
              + status,
          e);
    }
  }

  /**
   * Deletes the temp files a process killed inside an atomic write left next to the status files.
   */
  private static void removeTempFiles(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    try (var files = Files.list(dataDir)) {
      for (Path p :
          files
              .filter(
                  f ->
                      f.getFileName().toString().startsWith(".status.")
                          && f.getFileName().toString().endsWith(".tmp"))
              .toList()) {
        Files.deleteIfExists(p);
        LOG.info("removed {} left by an interrupted write", p);
      }
    } catch (IOException e) {
      LOG.warn("cannot clean temp files in {}: {}", dataDir, e.getMessage());
    }
  }

  /** Restores the status files in {@code wt} to the bytes the journal {@code j} recorded. */
  public void rollBack(Mission m, Path wt, Journal j) throws IOException {
    Path log = wt.resolve(m.eventLogPath());
    Path status = wt.resolve(m.statusPath());
    if (Files.exists(log) && Files.size(log) >= j.logSize()) {
      AtomicFiles.truncate(log, j.logSize());
    }
    if (!AtomicFiles.sha256(log).equals(j.logSha256())) {
      LOG.warn(
          "event log {} does not match the journal after truncation; restoring it from the branch tip",
          log);
      git.require(wt, "checkout", "HEAD", "--", m.eventLogPath());
    }
    AtomicFiles.write(status, j.status());
    git.require(wt, "reset", "-q", "HEAD", "--", m.eventLogPath(), m.statusPath());
  }

  /** The commit on {@code branch} after {@code since} whose transaction trailer is {@code tx}. */
  public Optional<String> findTransactionCommit(String branch, String since, String tx) {
    GitResult r =
        git.run(
            root,
            "log",
            "-z",
            "--format=%H%x09%(trailers:key=" + TRANSACTION_TRAILER + ",valueonly,separator=%x2C)",
            since + "..refs/heads/" + branch);
    if (!r.ok()) {
      throw new GitCoordinationException(GitErrorCode.GIT_FAILED, r.describe());
    }
    for (String rec : r.nulSeparated()) {
      String[] parts = rec.strip().split("\t", 2);
      if (parts.length == 2) {
        for (String v : parts[1].split(",")) {
          if (v.strip().equals(tx)) {
            return Optional.of(parts[0].strip());
          }
        }
      }
    }
    return Optional.empty();
  }
}
