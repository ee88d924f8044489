package dev.backlog.tracker.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backlog.tracker.TrackerStateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability rule of docs/durability.md. The same tests check the twin class in
 * git-coordination ({@code dev.backlog.git.coordination.internal.AtomicFilesTest}); only {@link
 * #refusal} differs, because this module reports the refusal unchecked.
 */
class AtomicFilesTest {

  @TempDir Path dir;

  /**
   * The write's failure as the IOException that says why; here it is the cause of a
   * TrackerStateException.
   */
  private static IOException refusal(Executable write) {
    TrackerStateException e = assertThrows(TrackerStateException.class, write);
    IOException cause = assertInstanceOf(IOException.class, e.getCause());
    assertEquals(
        cause.getMessage(), e.getMessage(), "the refusal's reason, not a generic write failure");
    return cause;
  }

  private static void write(Path target, String text, AtomicFiles.Move move) throws IOException {
    AtomicFiles.write(target, text.getBytes(StandardCharsets.UTF_8), move);
  }

  private List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aWriteReplacesTheWholeFileAndLeavesNoTempFileBehind() throws IOException {
    Path target = dir.resolve("status.json");
    write(target, "first, and longer", AtomicFiles.ATOMIC_RENAME);
    write(target, "second", AtomicFiles.ATOMIC_RENAME);
    assertEquals("second", Files.readString(target));
    assertEquals(List.of("status.json"), names(dir));
  }

  @Test
  void missingParentDirectoriesAreCreated() throws IOException {
    Path target = dir.resolve("a/b/status.json");
    write(target, "x", AtomicFiles.ATOMIC_RENAME);
    assertEquals("x", Files.readString(target));
  }

  @Test
  void theTempFileIsUniqueBesideTheTargetAndCompleteBeforeTheRename() throws IOException {
    Path target = dir.resolve("status.json");
    List<Path> temps = new ArrayList<>();
    List<String> contentAtRename = new ArrayList<>();
    AtomicFiles.Move recording =
        (source, to) -> {
          temps.add(source);
          contentAtRename.add(Files.readString(source));
          AtomicFiles.ATOMIC_RENAME.move(source, to);
        };
    write(target, "one", recording);
    write(target, "two", recording);
    assertEquals(List.of("one", "two"), contentAtRename);
    assertEquals(2, temps.stream().distinct().count(), "a fresh temp name per write: " + temps);
    for (Path temp : temps) {
      assertEquals(
          target.toAbsolutePath().getParent(),
          temp.getParent(),
          "same directory, so the rename can be atomic");
      String name = temp.getFileName().toString();
      assertTrue(name.startsWith(".status.json.") && name.endsWith(".tmp"), name);
    }
  }

  @Test
  void whenTheFileSystemCannotRenameAtomicallyTheWriteIsRefusedNamingTheTargetAndNothingChanges()
      throws IOException {
    Path target = dir.resolve("status.json");
    write(target, "before", AtomicFiles.ATOMIC_RENAME);
    List<Path> attempts = new ArrayList<>();
    AtomicFiles.Move refusing =
        (source, to) -> {
          attempts.add(source);
          throw new AtomicMoveNotSupportedException(
              source.toString(), to.toString(), "not supported by this file system");
        };
    IOException e = refusal(() -> write(target, "after", refusing));
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("atomically")
            && e.getMessage().contains("not supported by this file system"),
        e.getMessage());
    assertInstanceOf(AtomicMoveNotSupportedException.class, e.getCause());
    assertEquals(1, attempts.size(), "no second, non-atomic attempt");
    assertEquals("before", Files.readString(target));
    assertEquals(List.of("status.json"), names(dir), "the temp file is removed");
  }

  @Test
  void aRenameAcrossFileSystemsIsRefusedByTheRealFileSystem() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs a writable /dev/shm");
    assumeTrue(
        !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
        "needs /dev/shm on another file system than " + dir);
    Path target = dir.resolve("status.json");
    Files.writeString(target, "before");
    Path elsewhere = Files.createTempFile(shm, ".status.json.", ".tmp");
    try {
      Files.writeString(elsewhere, "after");
      IOException e =
          assertThrows(
              IOException.class,
              () -> AtomicFiles.replace(elsewhere, target, AtomicFiles.ATOMIC_RENAME));
      assertTrue(
          e.getMessage().contains(target.toString()) && e.getMessage().contains("atomically"),
          e.getMessage());
      assertInstanceOf(AtomicMoveNotSupportedException.class, e.getCause());
      assertEquals("before", Files.readString(target));
      assertArrayEquals(
          "after".getBytes(StandardCharsets.UTF_8),
          Files.readAllBytes(elsewhere),
          "nothing was copied");
    } finally {
      Files.deleteIfExists(elsewhere);
    }
  }
}
