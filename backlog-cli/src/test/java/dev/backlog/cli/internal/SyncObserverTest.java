package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seam {@code tracker sync} reports its progress through, run in-process on the in-memory
 * store.
 */
class SyncObserverTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private InProcess cli;

  @BeforeEach
  void projectWithLocalTrackerAndThreeCards() throws IOException {
    cli = new InProcess(dir.resolve("home"), dir);
    Files.createDirectories(dir.resolve(".backlog"));
    Files.writeString(
        dir.resolve(".backlog/config.json"),
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":\"tracker\"}}}");
    for (String id : List.of("A1", "A2", "B1")) {
      assertEquals(0, cli.run("create", "--id", id, "--title", "card " + id).exit());
    }
  }

  @Test
  void theObserverHearsEveryEventTheSyncAppliesInOrder() throws IOException {
    List<Long> heard = new ArrayList<>();
    cli.syncObserver = heard::add;
    InProcess.Run run = cli.run("tracker", "sync", "--json");
    assertEquals(0, run.exit(), run.err());
    JsonNode report = JSON.readTree(run.out());
    assertEquals(3, report.get("events").asInt(), report.toString());
    assertEquals(LongStream.rangeClosed(1, 3).boxed().toList(), heard);
  }

  @Test
  void anObserverThatStopsTheSyncLeavesNoCursorAndTheRerunAppliesEveryEvent() throws IOException {
    cli.syncObserver =
        applied -> {
          if (applied == 2) {
            throw new IllegalStateException("stopped after 2 events");
          }
        };
    InProcess.Run stopped = cli.run("tracker", "sync", "--json");
    assertEquals(1, stopped.exit(), stopped.toString());
    assertTrue(stopped.err().contains("stopped after 2 events"), stopped.err());
    assertEquals(List.of(), cursorFiles(), "the stopped sync recorded no cursor");

    cli.syncObserver = SyncObserver.NONE;
    InProcess.Run rerun = cli.run("tracker", "sync", "--json");
    assertEquals(0, rerun.exit(), rerun.err());
    assertEquals(3, JSON.readTree(rerun.out()).get("events").asInt(), rerun.out());
    assertEquals(1, cursorFiles().size());
  }

  private List<Path> cursorFiles() throws IOException {
    Path home = dir.resolve("home");
    if (!Files.isDirectory(home)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(home)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().startsWith("tracker-cursor-")
                      && f.getFileName().toString().endsWith(".json"))
          .toList();
    }
  }
}
