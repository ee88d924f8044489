package dev.backlog.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fresh stores for the tests: an H2 in-memory database, an H2 file in the CLI's multi-process form,
 * or a new schema on the test PostgreSQL server. Each call returns an empty, independent store.
 */
final class TestStores {

  private static Path fileRoot;

  private TestStores() {}

  static JdbcBacklogStore h2Mem(InstantSource clock) {
    return JdbcBacklogStore.builder().url("jdbc:h2:mem:t" + UUID.randomUUID()).clock(clock).build();
  }

  static JdbcBacklogStore h2File(InstantSource clock) {
    return JdbcBacklogStore.builder()
        .url(JdbcBacklogStore.defaultH2Url(newDirectory()))
        .clock(clock)
        .build();
  }

  static JdbcBacklogStore postgres(InstantSource clock) {
    return JdbcBacklogStore.builder().url(TestPostgres.freshSchemaUrl()).clock(clock).build();
  }

  /** A new directory under one per-JVM temporary root that is deleted when the JVM exits. */
  static synchronized Path newDirectory() {
    try {
      if (fileRoot == null) {
        fileRoot = Files.createTempDirectory("backlog-jdbc-test-");
        Path root = fileRoot;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root), "delete-test-files"));
      }
      return Files.createTempDirectory(fileRoot, "db-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort.
    }
  }
}
