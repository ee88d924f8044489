package dev.backlog.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildHostTest {

  @TempDir Path project;

  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void aBuildCompletesItsTasksInOrderAndLeavesFeatureFilesEventsRoadmapAndChangelog()
      throws IOException {
    BuildHost.Outcome outcome =
        new BuildHost(project, "1.2.0", InstantSource.system(), executor).run();

    assertEquals(List.of("compile", "test", "package"), outcome.completed());
    Path root = project.resolve("docs/tracker");
    assertEquals(root, outcome.trackerRoot());
    assertTrue(
        Files.isRegularFile(project.resolve("build/backlog/backlog.mv.db")),
        "the H2 file is the host's");
    for (String task : BuildHost.TASKS) {
      String feature = Files.readString(root.resolve("features/" + task + "/feature.json"));
      assertTrue(feature.replace(" ", "").contains("\"status\":\"complete\""), feature);
      assertEquals(
          List.of("created", "claimed", "completed"),
          eventTypes(root.resolve("features/" + task + "/events.jsonl")));
    }
    String roadmap = Files.readString(root.resolve("ROADMAP.md"));
    assertTrue(roadmap.contains("| test | Run test | complete | compile |"), roadmap);
    assertEquals(
        """
        # Changelog

        ## 1.2.0

        - **compile** Run compile
        - **test** Run test
        - **package** Run package
        """,
        Files.readString(root.resolve("CHANGELOG.md")));
  }

  @Test
  void aSecondBuildFindsThePlanDoneAndChangesNoTrackerFile() throws IOException {
    new BuildHost(project, "1.2.0", InstantSource.system(), executor).run();
    Map<String, String> before = hashes(project.resolve("docs/tracker"));

    BuildHost.Outcome again =
        new BuildHost(project, "1.2.0", InstantSource.system(), executor).run();

    assertEquals(List.of(), again.completed());
    assertEquals(0, again.eventsMirrored());
    assertEquals(before, hashes(project.resolve("docs/tracker")));
  }

  @Test
  void aProjectConfigSelectsTheTrackerThroughDiscoveryWithTheHostsClock() throws IOException {
    Files.createDirectories(project.resolve(".backlog"));
    Files.writeString(
        project.resolve(".backlog/config.json"),
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":\"site/tracker\"}}}");
    InstantSource fixed = InstantSource.fixed(Instant.parse("2030-01-02T03:04:05Z"));

    BuildHost.Outcome outcome = new BuildHost(project, "2.0.0", fixed, executor).run();

    assertEquals(project.resolve("site/tracker"), outcome.trackerRoot());
    assertTrue(Files.isRegularFile(project.resolve("site/tracker/features/package/feature.json")));
    assertTrue(Files.readString(project.resolve("site/tracker/CHANGELOG.md")).contains("## 2.0.0"));
  }

  @Test
  void theMainProgramRunsABuildInTheProjectDirectoryItIsGiven() throws IOException {
    BuildHost.main(new String[] {project.toString(), "3.1.0"});

    assertTrue(
        Files.readString(project.resolve("docs/tracker/CHANGELOG.md"))
            .contains("## 3.1.0\n\n- **compile** Run compile"));
    assertTrue(
        Files.readString(project.resolve("docs/tracker/ROADMAP.md"))
            .contains("| package | Run package | complete | test |"));
  }

  private static List<String> eventTypes(Path file) throws IOException {
    List<String> types = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      int at = line.indexOf("\"type\":\"") + 8;
      types.add(line.substring(at, line.indexOf('"', at)));
    }
    return types;
  }

  /**
   * File contents by path, leaving out lock files and the sync-time record (bookkeeping, not
   * content).
   */
  private static Map<String, String> hashes(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String rel = dir.relativize(file).toString();
        if (rel.contains(".locks") || rel.endsWith(".tracker-state.json")) {
          continue;
        }
        try {
          out.put(
              rel,
              HexFormat.of()
                  .formatHex(
                      MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        } catch (NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }
}
