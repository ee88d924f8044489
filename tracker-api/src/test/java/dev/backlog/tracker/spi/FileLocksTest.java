package dev.backlog.tracker.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.tracker.TrackerStateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLocksTest {

  @TempDir Path dir;

  @Test
  void twoInstancesInOneJvmExcludeEachOtherOnTheSameFile() throws Exception {
    FileLocks first = new FileLocks();
    FileLocks second = new FileLocks(Duration.ofMillis(200));
    Path lock = dir.resolve("x.lock");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> holder =
          pool.submit(
              () ->
                  first.withLock(
                      lock,
                      () -> {
                        held.countDown();
                        try {
                          release.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }));
      held.await();
      TrackerStateException e =
          assertThrows(TrackerStateException.class, () -> second.withLock(lock, () -> {}));
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      release.countDown();
      holder.get();
      assertEquals("ok", second.withLock(lock, () -> "ok"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLockIsReentrantForItsHolder() {
    FileLocks locks = new FileLocks(Duration.ofMillis(200));
    Path lock = dir.resolve("r.lock");
    assertEquals("inner", locks.withLock(lock, () -> locks.withLock(lock, () -> "inner")));
  }

  @Test
  void aLockFileWithGarbageOrADirectoryInItsPlaceIsReportedAndReplaced() throws IOException {
    FileLocks locks = new FileLocks(Duration.ofMillis(500));
    Path garbage = dir.resolve("g.lock");
    Files.write(garbage, new byte[] {0, 1, 2, (byte) 0xff});
    assertEquals("ran", locks.withLock(garbage, () -> "ran"));
    assertTrue(Files.readString(garbage).startsWith("pid "));
    Path asDir = Files.createDirectories(dir.resolve("d.lock/inner"));
    assertEquals("ran", locks.withLock(asDir.getParent(), () -> "ran"));
    assertTrue(Files.isRegularFile(dir.resolve("d.lock")));
  }

  @Test
  void aTornJournalLineIsCutOffBeforeTheNextAppend() throws IOException {
    Path journal = dir.resolve("events.jsonl");
    AtomicFiles.appendLine(journal, "{\"a\":1}");
    Files.writeString(journal, "{\"b\":", java.nio.file.StandardOpenOption.APPEND);
    AtomicFiles.appendLine(journal, "{\"c\":3}");
    assertEquals("{\"a\":1}\n{\"c\":3}\n", Files.readString(journal));
  }

  @Test
  void anAtomicWriteLeavesNoTempFileBehind() throws IOException {
    Path target = dir.resolve("sub/state.json");
    AtomicFiles.write(target, "one");
    AtomicFiles.write(target, "two");
    assertEquals("two", Files.readString(target));
    try (var files = Files.list(target.getParent())) {
      assertEquals(1, files.count());
    }
  }
}
