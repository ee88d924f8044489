package dev.backlog.git.coordination;

import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseToken;
import dev.backlog.git.coordination.internal.AtomicFiles;
import dev.backlog.git.coordination.internal.EventLogCodec;
import dev.backlog.git.coordination.internal.Journal;
import dev.backlog.git.coordination.internal.LockManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One atomic write of a mission's bookkeeping, obtained from {@link Coordinator#begin(Mission)}
 * with the mission lock held: {@link #append(EventDraft)} events, register {@link
 * #afterCommit(Runnable) deferred side effects}, then {@link #commit()}, which journals the intent
 * durably, appends the events to {@code status.events.jsonl}, re-materializes {@code status.json},
 * commits both with a {@code Backlog-Transaction} trailer (and {@code Backlog-Lease} trailers for
 * lease tokens), clears the journal, releases the lock and runs the side effects. If the commit is
 * refused, the two files are restored byte for byte, no side effect runs, and the lock is released.
 * If the process dies, the next {@code begin} rolls the transaction forward or back from the
 * journal and the trailer.
 *
 * <p>Not thread-safe: one thread uses a transaction, then closes it.
 */
public final class BookkeepingTransaction implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BookkeepingTransaction.class);

  private final Coordinator coordinator;
  private final Mission mission;
  private final Path worktree;
  private final String id = UUID.randomUUID().toString();
  private final List<CoordinationEvent> existing;
  private final Map<CardId, Long> currentLease = new HashMap<>();
  private final List<CoordinationEvent> pending = new ArrayList<>();
  private final List<Runnable> sideEffects = new ArrayList<>();
  private long clock;
  private LockManager.Held lock;
  private boolean finished;

  BookkeepingTransaction(
      Coordinator coordinator, Mission mission, Path worktree, LockManager.Held lock) {
    this.coordinator = coordinator;
    this.mission = mission;
    this.worktree = worktree;
    this.lock = lock;
    if (coordinator.dirty(worktree, mission.eventLogPath(), mission.statusPath())) {
      throw new GitCoordinationException(
          GitErrorCode.DIRTY_WORKTREE,
          "the status files in "
              + worktree
              + " differ from "
              + mission.branch()
              + "; discard the edits with 'git -C "
              + worktree
              + " checkout -- "
              + mission.dataDir()
              + "' and retry");
    }
    try {
      Path log = worktree.resolve(mission.eventLogPath());
      this.existing = Files.exists(log) ? EventLogCodec.parse(Files.readAllBytes(log)) : List.of();
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.CORRUPT_STATE,
          "cannot read the event log in " + worktree + ": " + e.getMessage(),
          e);
    }
    for (CoordinationEvent e : existing) {
      clock = Math.max(clock, e.clock());
      e.lease().ifPresent(t -> currentLease.merge(e.card(), t.value(), Math::max));
    }
  }

  /** The transaction id, written as the commit's {@code Backlog-Transaction} trailer. */
  public String id() {
    return id;
  }

  /** The coordination worktree the transaction writes in. */
  public Path worktree() {
    return worktree;
  }

  /** The events already in the log when the transaction started, in file order. */
  public List<CoordinationEvent> existingEvents() {
    return List.copyOf(existing);
  }

  /**
   * Adds an event. A lease token older than the card's current one in the log is refused.
   *
   * @return the event as it will be written
   * @throws StaleLeaseException when the draft's lease token is older than the card's current one
   */
  public CoordinationEvent append(EventDraft draft) {
    requireOpen();
    if (draft.lease().isPresent()) {
      long presented = draft.lease().get().value();
      Long current = currentLease.get(draft.card());
      if (current != null && presented < current) {
        throw new StaleLeaseException(draft.card(), draft.lease().get(), LeaseToken.of(current));
      }
      currentLease.merge(draft.card(), presented, Math::max);
    }
    clock++;
    CoordinationEvent e =
        new CoordinationEvent(
            UUID.randomUUID().toString(),
            clock,
            draft.card(),
            draft.type(),
            draft.actor(),
            coordinator.config().clock().instant(),
            draft.lease(),
            id,
            draft.data());
    pending.add(e);
    return e;
  }

  /** Registers work to run only after the commit succeeded (and the lock was released). */
  public void afterCommit(Runnable sideEffect) {
    requireOpen();
    sideEffects.add(sideEffect);
  }

  /**
   * Commits the appended events; see the class comment. The transaction is finished afterwards,
   * whatever the outcome.
   */
  public CommitReceipt commit() {
    requireOpen();
    if (pending.isEmpty()) {
      throw InvalidInputException.of(
          "events", "transaction " + id + " has no events to commit; append one first");
    }
    finished = true;
    Path log = worktree.resolve(mission.eventLogPath());
    Path status = worktree.resolve(mission.statusPath());
    Path journalFile = coordinator.journalFile(mission);
    String commit;
    try {
      String head = coordinator.resolve("refs/heads/" + mission.branch()).orElseThrow();
      Journal journal =
          new Journal(
              id,
              mission.branch(),
              head,
              Files.size(log),
              AtomicFiles.sha256(log),
              Files.readAllBytes(status),
              Optional.empty(),
              Optional.empty());
      journal.write(journalFile);
      try {
        StringBuilder lines = new StringBuilder();
        for (CoordinationEvent e : pending) {
          lines.append(EventLogCodec.line(e)).append('\n');
        }
        AtomicFiles.append(log, lines.toString().getBytes(StandardCharsets.UTF_8));
        observe(BookkeepingObserver.Step.APPENDED, Optional.empty());
        List<CoordinationEvent> all = new ArrayList<>(existing);
        all.addAll(pending);
        AtomicFiles.write(status, EventLogCodec.render(StatusReducer.reduce(mission, all)));
        observe(BookkeepingObserver.Step.MATERIALIZED, Optional.empty());
        Consumer<ProcessHandle> onStart =
            p -> {
              try {
                journal.withCommitProcess(p).write(journalFile);
              } catch (IOException e) {
                LOG.warn("cannot journal the commit process {}: {}", p.pid(), e.getMessage());
              }
              observe(BookkeepingObserver.Step.COMMIT_STARTED, Optional.of(p));
            };
        commit =
            coordinator
                .commitPaths(
                    worktree,
                    mission.branch(),
                    List.of(mission.eventLogPath(), mission.statusPath()),
                    message(),
                    onStart,
                    Optional.of(head))
                .orElseThrow(
                    () ->
                        new GitCoordinationException(
                            GitErrorCode.GIT_FAILED,
                            "transaction "
                                + id
                                + " found nothing to commit after appending events"));
      } catch (RuntimeException | IOException e) {
        rollBackAfterFailure(journal, journalFile, e);
        throw e;
      }
      observe(BookkeepingObserver.Step.COMMITTED, Optional.empty());
      AtomicFiles.delete(journalFile);
    } catch (IOException e) {
      release();
      throw new GitCoordinationException(
          GitErrorCode.CORRUPT_STATE,
          "bookkeeping transaction "
              + id
              + " on "
              + mission.handle()
              + " failed to write its files: "
              + e.getMessage()
              + "; nothing was committed",
          e);
    } catch (RuntimeException e) {
      release();
      throw e;
    }
    release();
    LOG.debug(
        "transaction {} committed {} event(s) on {} as {}",
        id,
        pending.size(),
        mission.branch(),
        commit);
    for (Runnable r : sideEffects) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("a side effect after transaction {} failed: {}", id, e.toString());
      }
    }
    return new CommitReceipt(commit, id, pending);
  }

  private void rollBackAfterFailure(Journal journal, Path journalFile, Exception cause) {
    try {
      java.util.Optional<String> landed =
          coordinator.findTransactionCommit(mission.branch(), journal.head(), id);
      if (landed.isPresent()) {
        LOG.warn(
            "transaction {} reported a failure but its commit {} exists; keeping it",
            id,
            landed.get());
        AtomicFiles.delete(journalFile);
        return;
      }
      coordinator.rollBack(mission, worktree, journal);
      AtomicFiles.delete(journalFile);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn(
          "rollback of transaction {} is incomplete ({}); the next transaction recovers it from the journal",
          id,
          e.toString());
    }
  }

  private void observe(BookkeepingObserver.Step step, Optional<ProcessHandle> gitCommit) {
    try {
      coordinator.config().observer().reached(step, id, gitCommit);
    } catch (RuntimeException e) {
      LOG.warn(
          "bookkeeping observer failed at {} of transaction {}; the transaction goes on: {}",
          step,
          id,
          e.toString());
    }
  }

  private String message() {
    StringBuilder sb = new StringBuilder("Record ");
    sb.append(
            pending.size() == 1
                ? pending.get(0).type() + " of " + pending.get(0).card()
                : pending.size() + " events")
        .append(" in mission ")
        .append(mission.handle())
        .append("\n\n");
    sb.append(Coordinator.TRANSACTION_TRAILER).append(": ").append(id).append('\n');
    for (CoordinationEvent e : pending) {
      e.lease()
          .ifPresent(
              t ->
                  sb.append(Coordinator.LEASE_TRAILER)
                      .append(": ")
                      .append(e.card())
                      .append('=')
                      .append(t.value())
                      .append('\n'));
    }
    return sb.toString();
  }

  private void requireOpen() {
    if (finished) {
      throw new IllegalStateException("transaction " + id + " is finished; begin a new one");
    }
  }

  private void release() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  /** Ends the transaction: without a commit nothing was written; the lock is released. */
  @Override
  public void close() {
    finished = true;
    release();
  }
}
