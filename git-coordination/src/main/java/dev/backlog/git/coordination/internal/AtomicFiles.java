package dev.backlog.git.coordination.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Durable file writes. Whole files are replaced by the one rule of docs/durability.md: a unique
 * temp file in the target's directory, written and forced to disk, then renamed over the target
 * with {@code ATOMIC_MOVE} and {@code REPLACE_EXISTING}, then the directory forced where the
 * platform allows. When the file system cannot rename atomically the write is refused with an
 * {@link IOException} naming the target, never degraded to a copy that a crash could tear.
 *
 * <p>Twin of {@code dev.backlog.tracker.spi.AtomicFiles} in tracker-api (git-coordination may not
 * depend on it): {@link #write}, {@link #replace} and {@link #syncDirectory} follow the same rule
 * there, checked by the same tests ({@code AtomicFilesTest} in both modules); change both or
 * neither. Stateless and thread-safe.
 */
public final class AtomicFiles {

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

  /** The suffix of temp files; whoever cleans a directory deletes old ones. */
  static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code bytes} atomically and durably, creating parent directories.
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, bytes, ATOMIC_RENAME);
  }

  static void write(Path target, byte[] bytes, Move move) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    try {
      try (FileChannel ch =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      replace(temp, target, move);
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
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

  /** Appends {@code bytes} to {@code target} and forces them to disk. */
  public static void append(Path target, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            target,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /** Truncates {@code target} to {@code size} bytes and forces it to disk. */
  public static void truncate(Path target, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(true);
    }
  }

  /** Deletes a file and syncs its directory. */
  public static void delete(Path target) throws IOException {
    if (Files.deleteIfExists(target)) {
      syncDirectory(target.toAbsolutePath().getParent());
    }
  }

  /** Forces a directory's entries to disk where the platform allows it. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms (Windows) cannot open directories; the rename itself is still atomic there
    }
  }

  /** The SHA-256 of a file's bytes as hex, or of nothing when the file does not exist. */
  public static String sha256(Path file) throws IOException {
    return sha256(Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
  }

  /** The SHA-256 of bytes as hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
