package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backlog tracker …} through the real jar: a DAG claimed and completed through the command
 * line is mirrored by {@code tracker sync} into the local provider's files; syncs are idempotent
 * and survive a crash midway; a bad tracker block is refused with exit 2 before anything is
 * written.
 */
class TrackerIT {

  /**
   * The provider's own record of the last sync time: the one file every sync rewrites by design.
   */
  private static final String STATE_FILE = ".tracker-state.json";

  /**
   * Lock files name their last holder, so they differ per process; they hold no tracker content.
   */
  private static final String LOCKS_DIR = ".locks";

  @TempDir Path tmp;

  @Test
  void syncMirrorsACompletedDagIntoFeaturesEventsRoadmapAndChangelogAndASecondSyncChangesNoByte()
      throws Exception {
    CliProcess cli = projectWithLocalTracker(tmp);
    seedDagAndCompleteA1(cli);
    Path root = cli.workDir.resolve("tracker");

    JsonNode report = ok(cli.run("tracker", "sync", "--json")).json();
    assertEquals(0, report.get("drained").asInt(), report.toString());
    assertEquals(0, report.get("quarantined").asInt());
    assertEquals(0, report.get("conflicted").asInt());
    assertEquals(0, report.get("pending").asInt());
    JsonNode events = ok(cli.run("events", "--json")).json();
    assertEquals(events.size(), report.get("events").asInt(), report.toString());
    assertEquals(1, report.get("changelogEntries").asInt(), report.toString());

    JsonNode a1 = CliProcess.JSON.readTree(root.resolve("features/A1/feature.json").toFile());
    assertEquals("complete", a1.get("status").asText(), a1.toString());
    assertEquals("Schema", a1.get("title").asText());
    JsonNode a2 = CliProcess.JSON.readTree(root.resolve("features/A2/feature.json").toFile());
    assertEquals("planned", a2.get("status").asText(), a2.toString());
    assertEquals("[\"A1\"]", a2.get("dependsOn").toString());
    assertEquals(
        List.of("created", "claimed", "completed"),
        eventTypes(root.resolve("features/A1/events.jsonl")));
    assertEquals(List.of("created"), eventTypes(root.resolve("features/B1/events.jsonl")));
    List<String> ids = new ArrayList<>();
    for (String card : List.of("A1", "A2", "B1")) {
      for (String line : Files.readAllLines(root.resolve("features/" + card + "/events.jsonl"))) {
        ids.add(CliProcess.JSON.readTree(line).get("id").asText());
      }
    }
    List<String> expectedIds = new ArrayList<>();
    events.forEach(e -> expectedIds.add("backlog-" + e.get("seq").asLong()));
    assertEquals(
        expectedIds.stream().sorted().toList(),
        ids.stream().sorted().toList(),
        "every backlog event appears exactly once");

    String roadmap = Files.readString(root.resolve("ROADMAP.md"));
    assertTrue(roadmap.contains("| A1 | Schema | complete | - |"), roadmap);
    assertTrue(roadmap.contains("| A2 | Service | planned | A1 |"), roadmap);
    assertTrue(roadmap.contains("| B1 | Client | planned | - |"), roadmap);
    String changelog = Files.readString(root.resolve("CHANGELOG.md"));
    assertTrue(changelog.startsWith("# Changelog\n\n## 20"), changelog);
    assertTrue(changelog.contains("- **A1** Schema\n"), changelog);
    assertFalse(changelog.contains("A2") || changelog.contains("B1"), changelog);

    Map<String, String> before = treeHashes(root);
    JsonNode again = ok(cli.run("tracker", "sync", "--json")).json();
    assertEquals(0, again.get("events").asInt(), again.toString());
    assertEquals(0, again.get("changelogEntries").asInt(), again.toString());
    assertEquals(before, treeHashes(root), "a second sync must not change a byte");

    JsonNode status = ok(cli.run("tracker", "status", "--json")).json();
    assertEquals("local", status.get("provider").asText(), status.toString());
    assertEquals("local files under " + root.toRealPath(), status.get("canonicalSource").asText());
    assertEquals(0, status.get("pendingOps").asInt());
    assertEquals(0, status.get("conflicts").asInt());
    assertEquals(0, status.get("quarantined").asInt());
    assertTrue(status.get("lastSync").isTextual(), status.toString());
    assertEquals(events.get(events.size() - 1).get("seq").asLong(), status.get("cursor").asLong());

    JsonNode render = ok(cli.run("tracker", "render", "--json")).json();
    assertEquals(3, render.get("features").asInt(), render.toString());
    assertEquals(before, treeHashes(root), "rendering an unchanged roadmap must not change a byte");
  }

  @Test
  void aSyncKilledMidwayAndRunAgainReachesTheSameEndStateAsAnUninterruptedSync() throws Exception {
    CliProcess cli = projectWithLocalTracker(tmp);
    seedDagAndCompleteA1(cli);
    Path root = cli.workDir.resolve("tracker");

    // The real command in a child JVM, with an observer that halts it (as kill -9 would) after 3
    // events.
    CliProcess.Result killed = cli.runMain(HaltingSyncMain.class, "3", "tracker", "sync", "--json");
    assertEquals(HaltingSyncMain.HALTED, killed.exit(), killed.toString());
    assertTrue(Files.exists(root.resolve("features")), "the killed sync had started writing");
    assertFalse(
        Files.exists(root.resolve("ROADMAP.md")),
        "the killed sync stopped before the end of its page");
    assertTrue(cursorFiles(cli).isEmpty(), "the killed sync recorded no cursor");

    ok(cli.run("tracker", "sync", "--json"));
    Map<String, String> recovered = treeHashes(root);

    // The same backlog synced from scratch, without interruption, is the reference end state.
    deleteTree(root);
    for (Path cursor : cursorFiles(cli)) {
      Files.delete(cursor);
    }
    ok(cli.run("tracker", "sync", "--json"));
    assertEquals(
        treeHashes(root),
        recovered,
        "the rerun after the crash must give the uninterrupted result");
    assertNotEquals(0, recovered.size());
  }

  @Test
  void badTrackerConfigExitsWithTwoNamingTheFileAndFieldAndWritesNothing() throws Exception {
    CliProcess cli = new CliProcess(tmp);
    Path config = cli.workDir.resolve(".backlog/config.json");
    Files.createDirectories(config.getParent());

    refused(cli, config, "{\"tracker\": {\"provider\": \"local\",", "CONFIG_INVALID", "line");
    refused(
        cli,
        config,
        "{\"tracker\":{\"provider\":\"jira\"}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.provider': names provider 'jira', which is not installed (available: github, local)");
    refused(
        cli,
        config,
        "{\"tracker\":{\"local\":{\"root\":\".\"}}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.provider': is missing");
    refused(
        cli,
        config,
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"rooot\":\".\"}}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.local.rooot'");
    refused(
        cli,
        config,
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":7}}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.local.root'");
    refused(
        cli,
        config,
        "{\"tracker\":{\"provider\":\"local\",\"root\":\"docs\"}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.root': is a setting outside a provider block");
    refused(
        cli,
        config,
        "{\"tracker\":{\"provider\":\"local\",\"locl\":{\"root\":\"docs\"}}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.locl': is a block for provider 'locl', which is not installed");

    Files.delete(config);
    Files.delete(config.getParent());
    Path homeConfig = cli.home.resolve("config.json");
    Files.createDirectories(cli.home);
    refused(
        cli,
        homeConfig,
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"changelogPath\":\"../x.md\"}}}",
        "TRACKER_CONFIG_INVALID",
        "'tracker.local.changelogPath'");
  }

  private static void refused(CliProcess cli, Path config, String text, String code, String field)
      throws IOException {
    Files.writeString(config, text);
    Map<String, String> home = Files.isDirectory(cli.home) ? treeHashes(cli.home) : Map.of();
    Map<String, String> work = treeHashes(cli.workDir);
    for (String command : List.of("sync", "status")) {
      CliProcess.Result result = cli.run("tracker", command, "--json");
      assertEquals(2, result.exit(), text + " -> " + result);
      assertEquals("", result.out(), result.toString());
      JsonNode error = result.errorJson().get("error");
      assertEquals(code, error.get("code").asText(), result.toString());
      String message = error.get("message").asText();
      assertTrue(message.contains(config.toString()), "names the file: " + message);
      assertTrue(message.contains(field), "names " + field + ": " + message);
    }
    assertEquals(
        home,
        Files.isDirectory(cli.home) ? treeHashes(cli.home) : Map.of(),
        "nothing written in the home");
    assertEquals(work, treeHashes(cli.workDir), "nothing written in the project");
  }

  private static CliProcess projectWithLocalTracker(Path dir) throws IOException {
    CliProcess cli = new CliProcess(dir);
    Path config = cli.workDir.resolve(".backlog/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "{\"actor\":\"tester\",\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":\"tracker\"}}}");
    return cli;
  }

  private static void seedDagAndCompleteA1(CliProcess cli) {
    ok(cli.run("create", "--id", "A1", "--title", "Schema", "--phase", "alpha", "--priority", "9"));
    ok(
        cli.run(
            "create",
            "--id",
            "A2",
            "--title",
            "Service",
            "--phase",
            "alpha",
            "--depends-on",
            "A1"));
    ok(cli.run("create", "--id", "B1", "--title", "Client", "--phase", "beta"));
    JsonNode claimed = ok(cli.run("claim", "--owner", "w1", "--json")).json();
    assertEquals("A1", claimed.get("id").asText(), claimed.toString());
    ok(cli.run("complete", "A1", "--token", claimed.get("lease").get("token").asText()));
  }

  private static List<Path> cursorFiles(CliProcess cli) throws IOException {
    if (!Files.isDirectory(cli.home)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cli.home)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().startsWith("tracker-cursor-")
                      && f.getFileName().toString().endsWith(".json"))
          .toList();
    }
  }

  private static List<String> eventTypes(Path eventsFile) throws IOException {
    List<String> types = new ArrayList<>();
    for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
      types.add(CliProcess.JSON.readTree(line).get("type").asText());
    }
    return types;
  }

  /**
   * SHA-256 of every regular file under the directory except the sync-time record and lock files.
   */
  private static Map<String, String> treeHashes(Path dir) throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getFileName().toString().equals(STATE_FILE)
            || file.getParent().getFileName().toString().equals(LOCKS_DIR)
            || file.getFileName().toString().startsWith("out-")
            || file.getFileName().toString().startsWith("err-")) {
          continue;
        }
        try {
          byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
          hashes.put(dir.relativize(file).toString(), HexFormat.of().formatHex(digest));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      }
    }
    return hashes;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static CliProcess.Result ok(CliProcess.Result result) {
    assertEquals(0, result.exit(), result.toString());
    return result;
  }
}
