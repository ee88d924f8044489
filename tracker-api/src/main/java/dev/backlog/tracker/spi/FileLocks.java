package dev.backlog.tracker.spi;

import dev.backlog.tracker.TrackerStateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive locks keyed by lock file, across threads (an in-JVM lock per file) and across processes
 * (an OS file lock on the file, which the OS releases when a holder dies, so a crashed process
 * never leaves a permanent block). Re-entrant for the holding thread. The lock file holds the
 * holder's process id for diagnostics; a lock file with unreadable content, or a directory in its
 * place, is reported and replaced.
 *
 * <p>Thread-safe. Two instances in one JVM may guard the same files.
 */
public final class FileLocks {

  private static final Logger LOG = LoggerFactory.getLogger(FileLocks.class);

  /** How long {@link #withLock} waits by default before failing. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Duration timeout;
  private final ConcurrentMap<Path, ReentrantLock> local = new ConcurrentHashMap<>();

  /** Locks that wait up to {@link #DEFAULT_TIMEOUT}. */
  public FileLocks() {
    this(DEFAULT_TIMEOUT);
  }

  /** Locks that wait up to {@code timeout}. */
  public FileLocks(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Runs work while holding the lock on {@code lockFile} (created with its parent directories).
   *
   * @throws TrackerStateException when the lock is not acquired within the timeout
   */
  public <T> T withLock(Path lockFile, Supplier<T> work) {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock lock = local.computeIfAbsent(key, k -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new TrackerStateException(
            key,
            "another thread held the lock "
                + key
                + " for more than "
                + timeout.toSeconds()
                + "s; retry later");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackerStateException(key, "interrupted while waiting for the lock " + key, e);
    }
    try {
      if (lock.getHoldCount() > 1) {
        return work.get();
      }
      try (FileChannel channel = open(key)) {
        FileLock held = acquire(channel, key, deadline);
        try {
          stamp(channel, key);
          return work.get();
        } finally {
          held.release();
        }
      } catch (IOException e) {
        throw new TrackerStateException(
            key, "could not use the lock file " + key + " (" + e + "); check permissions", e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Runs work while holding the lock on {@code lockFile}. */
  public void withLock(Path lockFile, Runnable work) {
    withLock(
        lockFile,
        () -> {
          work.run();
          return null;
        });
  }

  private static FileChannel open(Path key) throws IOException {
    Files.createDirectories(key.getParent());
    if (Files.exists(key) && !Files.isRegularFile(key)) {
      Path aside = key.resolveSibling(key.getFileName() + ".corrupt-" + System.nanoTime());
      LOG.warn(
          "lock file {} is not a regular file; moved it to {} and created a new one", key, aside);
      Files.move(key, aside);
    }
    return FileChannel.open(
        key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private FileLock acquire(FileChannel channel, Path key, long deadline) throws IOException {
    long sleepMillis = 1;
    while (true) {
      try {
        FileLock held = channel.tryLock();
        if (held != null) {
          return held;
        }
      } catch (OverlappingFileLockException e) {
        // another FileLocks instance in this JVM holds it; wait like for another process
      }
      if (System.nanoTime() > deadline) {
        throw new TrackerStateException(
            key,
            "the lock "
                + key
                + " was held for more than "
                + timeout.toSeconds()
                + "s by "
                + holder(channel)
                + "; wait for it to finish (the OS releases the lock if it dies)");
      }
      try {
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrackerStateException(key, "interrupted while waiting for the lock " + key, e);
      }
      sleepMillis = Math.min(20, sleepMillis * 2);
    }
  }

  private static void stamp(FileChannel channel, Path key) throws IOException {
    String previous = read(channel);
    if (!previous.isEmpty() && !previous.strip().matches("pid \\d+")) {
      LOG.warn(
          "lock file {} held unreadable content '{}'; it was overwritten",
          key,
          previous.length() > 40 ? previous.substring(0, 40) + "..." : previous.strip());
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(
            ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
        0);
  }

  private static String holder(FileChannel channel) {
    try {
      String text = read(channel).strip();
      return text.isEmpty() ? "another process" : text;
    } catch (IOException e) {
      return "another process";
    }
  }

  private static String read(FileChannel channel) throws IOException {
    long size = Math.min(channel.size(), 256);
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }
}
