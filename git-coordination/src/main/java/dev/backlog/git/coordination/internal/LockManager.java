package dev.backlog.git.coordination.internal;

import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Cross-process exclusive locks: an in-JVM lock per lock file (threads) plus a {@link FileLock}
 * (processes). The file's content is irrelevant, so a damaged lock file never blocks anyone; the
 * operating system releases the lock when a process dies. Thread-safe; one per coordinator.
 */
public final class LockManager {

  private final ConcurrentHashMap<Path, ReentrantLock> jvmLocks = new ConcurrentHashMap<>();

  /** A held lock; closing releases it. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes the lock on {@code file}, waiting at most {@code timeout}.
   *
   * @throws GitCoordinationException with {@link GitErrorCode#LOCK_TIMEOUT} when it is not free in
   *     time
   */
  public Held acquire(Path file, Duration timeout) {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock jvm = jvmLocks.computeIfAbsent(key, k -> new ReentrantLock(true));
    if (jvm.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "lock " + key + " is already held by this thread; locks do not nest");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!jvm.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw timeout(key, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitCoordinationException(
          GitErrorCode.LOCK_TIMEOUT, "interrupted while waiting for lock " + key, e);
    }
    FileChannel ch = null;
    try {
      Files.createDirectories(key.getParent());
      ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long sleep = 1;
      while (true) {
        FileLock fl = null;
        try {
          fl = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          // another coordinator instance in this JVM holds it; wait like any other holder
          fl = null;
        }
        if (fl != null) {
          FileChannel channel = ch;
          FileLock held = fl;
          return () -> {
            try {
              held.release();
              channel.close();
            } catch (IOException e) {
              // closing the channel releases the lock in any case
            } finally {
              jvm.unlock();
            }
          };
        }
        if (System.nanoTime() > deadline) {
          throw timeout(key, timeout);
        }
        Thread.sleep(sleep);
        sleep = Math.min(20, sleep * 2);
      }
    } catch (IOException e) {
      closeQuietly(ch);
      jvm.unlock();
      throw new GitCoordinationException(
          GitErrorCode.LOCK_TIMEOUT,
          "cannot open lock file "
              + key
              + ": "
              + e.getMessage()
              + "; check that the git directory is writable",
          e);
    } catch (InterruptedException e) {
      closeQuietly(ch);
      jvm.unlock();
      Thread.currentThread().interrupt();
      throw new GitCoordinationException(
          GitErrorCode.LOCK_TIMEOUT, "interrupted while waiting for lock " + key, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      jvm.unlock();
      throw e;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }

  private static GitCoordinationException timeout(Path key, Duration timeout) {
    return new GitCoordinationException(
        GitErrorCode.LOCK_TIMEOUT,
        "lock "
            + key
            + " was not free within "
            + timeout
            + "; another process is recording or merging; retry, or raise the lock timeout");
  }
}
