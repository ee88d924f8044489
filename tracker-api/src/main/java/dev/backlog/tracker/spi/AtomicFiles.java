package dev.backlog.tracker.spi;

import dev.backlog.tracker.TrackerStateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable file writes for providers: whole files are replaced atomically, and journals are appended
 * line by line with fsync, a torn last line (from a crash mid-append) being cut off before the next
 * append.
 *
 * <p>Whole files are replaced by the one rule of docs/durability.md: a unique temp file in the
 * target's directory, written and forced to disk, then renamed over the target with {@code
 * ATOMIC_MOVE} and {@code REPLACE_EXISTING}, then the directory forced where the platform allows.
 * When the file system cannot rename atomically the write is refused (a {@link
 * TrackerStateException} naming the target, caused by an {@link IOException} that says why), never
 * degraded to a copy that a crash could tear.
 *
 * <p>Twin of {@code dev.backlog.git.coordination.internal.AtomicFiles} in git-coordination (which
 * may not depend on tracker-api): {@link #write}, {@link #replace} and {@link #forceDirectory}
 * follow the same rule there, checked by the same tests ({@code AtomicFilesTest} in both modules);
 * change both or neither.
 *
 * <p>Stateless and thread-safe; callers serialize writers of one file (see {@link FileLocks}).
 */
public final class AtomicFiles {

  private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

  /** The suffix of temp files; {@link #removeStaleTemps} deletes old ones. */
  public static final String TEMP_SUFFIX = ".tmp";

  /** Renames a finished temp file over its target: the one step a test swaps to see a refusal. */
  @FunctionalInterface
  interface Move {
    void move(Path source, Path target) throws IOException;
  }

  /** The rename the rule asks for: atomic, replacing the target. */
  static final Move ATOMIC_RENAME =
      (source, target) ->
          Files.move(
              source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

  private AtomicFiles() {}

  /** Replaces a file's content atomically with UTF-8 text, creating parent directories. */
  public static void write(Path target, String content) {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces a file's content atomically, creating parent directories. */
  public static void write(Path target, byte[] data) {
    write(target, data, ATOMIC_RENAME);
  }

  static void write(Path target, byte[] data, Move move) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      replace(temp, target, move);
      temp = null;
      forceDirectory(dir);
    } catch (IOException e) {
      boolean refused = e.getCause() instanceof AtomicMoveNotSupportedException;
      throw new TrackerStateException(
          target,
          refused
              ? e.getMessage()
              : "could not write "
                  + target
                  + " ("
                  + e
                  + "); check free space and permissions, then retry",
          e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.warn("could not delete the temp file {}; sync removes it later", temp, e);
        }
      }
    }
  }

  /**
   * Renames {@code temp} over {@code target} atomically, or refuses: a file system that cannot
   * rename atomically gets an {@link IOException} that names the target and says why.
   */
  static void replace(Path temp, Path target, Move move) throws IOException {
    try {
      move.move(temp, target);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "refused to replace "
              + target
              + ": its file system cannot rename "
              + temp.getFileName()
              + " over it atomically ("
              + e.getMessage()
              + "), and a plain copy could leave a torn file after a crash;"
              + " keep "
              + target.toAbsolutePath().getParent()
              + " on a local file system",
          e);
    }
  }

  /** A file's UTF-8 text, or empty when it does not exist. */
  public static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TrackerStateException(
          file, "could not read " + file + " (" + e + "); check permissions", e);
    }
  }

  /**
   * Appends one line (a newline is added) and forces it to disk. When the file does not end with a
   * newline, its torn last line is first cut off and reported.
   */
  public static void appendLine(Path file, String line) {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a journal line must not contain line breaks");
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = channel.size();
        long end = validEnd(channel, size);
        if (end != size) {
          LOG.warn(
              "{} ended with a torn line of {} bytes (an interrupted append); it was cut off",
              file,
              size - end);
          channel.truncate(end);
        }
        channel.position(end);
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
    } catch (IOException e) {
      throw new TrackerStateException(
          file,
          "could not append to "
              + file
              + " ("
              + e
              + "); check free space and permissions, then retry",
          e);
    }
  }

  /** The length of the file up to and including its last newline. */
  private static long validEnd(FileChannel channel, long size) throws IOException {
    if (size == 0) {
      return 0;
    }
    long pos = size - 1;
    int chunk = 4096;
    while (pos >= 0) {
      long start = Math.max(0, pos - chunk + 1);
      ByteBuffer buffer = ByteBuffer.allocate((int) (pos - start + 1));
      channel.read(buffer, start);
      for (int i = buffer.position() - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          return start + i + 1;
        }
      }
      pos = start - 1;
    }
    return 0;
  }

  /** Forces a directory's entries to disk where the platform allows it. */
  public static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("directory {} cannot be forced on this platform", dir, e);
    }
  }

  /**
   * Deletes temp files left in a directory by interrupted writes, when older than {@code olderThan}
   * (younger ones may belong to a write in progress).
   *
   * @return how many were deleted
   */
  public static int removeStaleTemps(Path dir, Duration olderThan) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    Instant cutoff = Instant.now().minus(olderThan);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
      for (Path entry : entries) {
        if (Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)
            && Files.deleteIfExists(entry)) {
          LOG.info("removed {} left by an interrupted write", entry);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new TrackerStateException(
          dir, "could not clean temp files in " + dir + " (" + e + ")", e);
    }
    return removed;
  }
}
