package dev.backlog.git.coordination.internal;

import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persisted FIFO of merge requests per target branch: each request is a ticket file numbered from
 * a counter; the lowest-numbered live ticket has the turn. Tickets of dead processes are dropped,
 * so a crash never blocks the queue. Thread-safe.
 */
public final class MergeQueue {

  private static final Logger LOG = LoggerFactory.getLogger(MergeQueue.class);

  private final Path dir;
  private final LockManager locks;

  /** A queue whose tickets live in {@code dir}. */
  public MergeQueue(Path dir, LockManager locks) {
    this.dir = dir;
    this.locks = locks;
  }

  /** Enqueues and waits for the turn; closing the returned handle leaves the queue. */
  public LockManager.Held await(Duration timeout) {
    Path ticket;
    LockManager.Held enqueue = locks.acquire(dir.resolve("queue.lock"), timeout);
    try {
      Files.createDirectories(dir);
      Path counter = dir.resolve("counter");
      long next = 1;
      if (Files.exists(counter)) {
        try {
          next = Long.parseLong(Files.readString(counter, StandardCharsets.UTF_8).strip()) + 1;
        } catch (NumberFormatException e) {
          LOG.warn(
              "merge queue counter {} is damaged; continuing after the highest ticket", counter);
          next = highest() + 1;
        }
      }
      AtomicFiles.write(counter, Long.toString(next).getBytes(StandardCharsets.UTF_8));
      ProcessHandle self = ProcessHandle.current();
      ticket = dir.resolve(String.format("%019d-%s.ticket", next, UUID.randomUUID()));
      AtomicFiles.write(
          ticket,
          (self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("-"))
              .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GitCoordinationException(
          GitErrorCode.LOCK_TIMEOUT,
          "cannot write the merge queue in " + dir + ": " + e.getMessage(),
          e);
    } finally {
      enqueue.close();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Path mine = ticket;
    try {
      while (true) {
        LockManager.Held look = locks.acquire(dir.resolve("queue.lock"), timeout);
        try {
          Optional<Path> first = firstLive();
          if (first.isPresent() && first.get().equals(mine)) {
            return () -> leave(mine);
          }
        } finally {
          look.close();
        }
        if (System.nanoTime() > deadline) {
          leave(mine);
          throw new GitCoordinationException(
              GitErrorCode.LOCK_TIMEOUT,
              "the merge queue in "
                  + dir
                  + " did not reach this request within "
                  + timeout
                  + "; another merge is running; retry later");
        }
        Thread.sleep(25);
      }
    } catch (InterruptedException e) {
      leave(mine);
      Thread.currentThread().interrupt();
      throw new GitCoordinationException(
          GitErrorCode.LOCK_TIMEOUT, "interrupted while waiting in the merge queue", e);
    } catch (IOException | RuntimeException e) {
      leave(mine);
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new GitCoordinationException(
          GitErrorCode.LOCK_TIMEOUT, "cannot read the merge queue in " + dir, e);
    }
  }

  private void leave(Path ticket) {
    try {
      AtomicFiles.delete(ticket);
    } catch (IOException e) {
      LOG.warn("cannot remove merge ticket {}: {}", ticket, e.getMessage());
    }
  }

  private long highest() throws IOException {
    List<Path> t = tickets();
    if (t.isEmpty()) {
      return 0;
    }
    String name = t.get(t.size() - 1).getFileName().toString();
    return Long.parseLong(name.substring(0, name.indexOf('-')));
  }

  private List<Path> tickets() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> out =
          new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".ticket")).toList());
      out.sort(null);
      return out;
    }
  }

  private Optional<Path> firstLive() throws IOException {
    for (Path t : tickets()) {
      if (alive(t)) {
        return Optional.of(t);
      }
      LOG.info("dropping merge ticket {} of a process that is gone", t.getFileName());
      AtomicFiles.delete(t);
    }
    return Optional.empty();
  }

  private static boolean alive(Path ticket) {
    try {
      String[] parts = Files.readString(ticket, StandardCharsets.UTF_8).strip().split(" ");
      long pid = Long.parseLong(parts[0]);
      Optional<Instant> started =
          parts.length > 1 && !parts[1].equals("-")
              ? Optional.of(Instant.parse(parts[1]))
              : Optional.empty();
      return ProcessTrees.find(pid, started).isPresent();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
