package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduling commands (history, defer, undefer, explain, queue, waves, update) and the new
 * options of claim, renew and complete, run in-process against the in-memory store: their JSON and
 * their refusals (exit code, the value and the limit named, nothing changed).
 */
class SchedulingCommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  InProcess cli;

  @BeforeEach
  void setUp() {
    cli = new InProcess(dir.resolve("home"), dir);
  }

  JsonNode json(String... args) throws IOException {
    List<String> line = new ArrayList<>(List.of(args));
    line.add("--json");
    InProcess.Run run = cli.run(line.toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    return JSON.readTree(run.out());
  }

  /** Runs a refused command: its exit code, and the error message with --json. */
  String refused(int exit, String... args) throws IOException {
    String before = cli.run("export").out() + json("events").size();
    List<String> line = new ArrayList<>(List.of(args));
    line.add("--json");
    InProcess.Run run = cli.run(line.toArray(String[]::new));
    assertEquals(exit, run.exit(), run.out() + run.err());
    assertEquals(before, cli.run("export").out() + json("events").size(), "nothing changed");
    String err = run.err().strip();
    return err.startsWith("{") ? JSON.readTree(err).get("error").get("message").asText() : err;
  }

  @Test
  void aClaimCarriesLeaseMetadataAndRenewAndCompleteRecordTheRun() throws IOException {
    json("create", "--id", "A", "--title", "t");
    JsonNode claimed =
        json(
            "claim",
            "--owner",
            "w1",
            "--lease-phase",
            "implementing",
            "--attr",
            "branch=feat/x",
            "--attr",
            "worktree=/w/1");
    assertEquals("implementing", claimed.get("lease").get("phase").asText());
    assertEquals("feat/x", claimed.get("lease").get("attributes").get("branch").asText());
    assertTrue(claimed.get("notBefore").isNull());
    String token = claimed.get("lease").get("token").asText();
    JsonNode renewed =
        json("renew", "A", "--token", token, "--phase", "testing", "--attr", "session=s1");
    assertEquals("testing", renewed.get("lease").get("phase").asText());
    assertEquals(3, renewed.get("lease").get("attributes").size());
    JsonNode stats = json("stats");
    assertEquals(1, stats.get("byLeasePhase").get("testing").asInt());
    assertEquals(0, stats.get("deferred").asInt());
    json("complete", "A", "--token", token, "--evidence", "{\"tests\":\"42 passed\"}");
    JsonNode history = json("history", "A");
    assertEquals(1, history.size());
    JsonNode run = history.get(0);
    assertEquals("completed", run.get("outcome").asText());
    assertEquals("w1", run.get("owner").asText());
    assertEquals("testing", run.get("phase").asText());
    assertEquals("42 passed", run.get("evidence").get("tests").asText());
    JsonNode events = json("events", "--card", "A");
    assertEquals(
        "42 passed",
        events.get(events.size() - 1).get("data").get("evidence").get("tests").asText());
  }

  @Test
  void badLeaseMetadataAndEvidenceAreRefusedWithTheValueAndTheLimit() throws IOException {
    json("create", "--id", "A", "--title", "t");
    assertTrue(
        refused(2, "claim", "--owner", "w", "--lease-phase", "p".repeat(65))
            .contains("65 characters; at most 64"));
    List<String> many = new ArrayList<>(List.of("claim", "--owner", "w"));
    for (int i = 0; i < 17; i++) {
      many.add("--attr");
      many.add("k" + i + "=v");
    }
    assertTrue(refused(2, many.toArray(String[]::new)).contains("17 attributes; at most 16"));
    assertTrue(
        refused(2, "claim", "--owner", "w", "--attr", "k=" + "v".repeat(257))
            .contains("257 characters; at most 256"));
    String token = json("claim", "--owner", "w").get("lease").get("token").asText();
    assertTrue(
        refused(2, "complete", "A", "--token", token, "--evidence", "[1]")
            .contains("must be a JSON object"));
    assertTrue(
        refused(
                2,
                "complete",
                "A",
                "--token",
                token,
                "--evidence",
                "{\"log\":\"" + "x".repeat(17_000) + "\"}")
            .contains("at most 16384"));
  }

  @Test
  void deferKeepsACardOutOfTheQueueUntilUndeferred() throws IOException {
    json("create", "--id", "A", "--title", "t", "--priority", "5");
    json("create", "--id", "B", "--title", "t");
    JsonNode deferred = json("defer", "A", "--for", "2h");
    Instant until = Instant.parse(deferred.get("notBefore").asText());
    assertTrue(until.isAfter(Instant.now().plus(Duration.ofMinutes(119))));
    assertEquals(1, json("stats").get("deferred").asInt());
    JsonNode queue = json("queue");
    assertEquals(1, queue.size());
    assertEquals("B", queue.get(0).get("id").asText());
    JsonNode explain = json("explain", "A");
    assertEquals(false, explain.get("claimable").asBoolean());
    assertEquals("deferred", explain.get("reasons").get(0).get("kind").asText());
    assertEquals(until.toString(), explain.get("reasons").get(0).get("until").asText());
    assertTrue(explain.get("rank").isNull());
    assertEquals(1, json("explain", "B").get("rank").asInt());
    json("undefer", "A");
    assertEquals("A", json("queue", "--limit", "1").get(0).get("id").asText());
    json("defer", "A", "--until", "2099-12-07T10:00:00Z");
    assertEquals("2099-12-07T10:00:00Z", json("show", "A").get("notBefore").asText());
  }

  @Test
  void badDeferralsAreRefusedNamingTheValue() throws IOException {
    json("create", "--id", "A", "--title", "t");
    assertTrue(
        refused(2, "defer", "A", "--until", "2001-01-01T00:00:00Z")
            .contains("2001-01-01T00:00:00Z is not after the store clock"));
    assertTrue(refused(2, "defer", "A", "--until", "tomorrow").contains("'tomorrow'"));
    assertTrue(refused(2, "defer", "A", "--for", "-5m").contains("'-5m' is not positive"));
    assertTrue(refused(2, "defer", "A", "--for", "soon").contains("'soon' is not a duration"));
  }

  @Test
  void wavesOfABacklogWithNothingLeftSaySo() throws IOException {
    assertEquals("no card left to do", cli.run("waves").out().strip());
    json("create", "--id", "A", "--title", "t", "--phase", "p");
    assertEquals("no card left to do in phase q", cli.run("waves", "--phase", "q").out().strip());
    assertEquals("[[\"A\"]]", json("waves").get("waves").toString());
  }

  @Test
  void explainNamesUnmetDependenciesAndWavesShowTheParallelism() throws IOException {
    json("create", "--id", "A1", "--title", "t");
    json("create", "--id", "A2", "--title", "t");
    json("create", "--id", "B1", "--title", "t", "--depends-on", "A1,A2");
    JsonNode explain = json("explain", "B1");
    assertEquals("unmet-dependency", explain.get("reasons").get(0).get("kind").asText());
    assertEquals("A1", explain.get("reasons").get(0).get("card").asText());
    assertEquals("ready", explain.get("reasons").get(0).get("status").asText());
    assertEquals(
        "waits for A1, which is ready", explain.get("reasons").get(0).get("text").asText());
    assertEquals(
        "B1 is not claimable:\n  waits for A1, which is ready\n  waits for A2, which is ready",
        cli.run("explain", "B1").out().strip());
    assertEquals(
        "nothing claimable: B1 waits for A1, which is ready; waits for A2, which is ready",
        cli.run("claim", "--owner", "w", "--id", "B1").out().strip(),
        "a claim that finds nothing says why");
    assertEquals("null", cli.run("claim", "--owner", "w", "--id", "B1", "--json").out().strip());
    String shown = cli.run("show", "B1").out();
    assertTrue(
        shown.contains("\n  waiting: waits for A1, which is ready; waits for A2, which is ready"),
        shown);
    assertTrue(
        cli.run("show", "A1").out().contains("\n  claimable: rank 1 in claim order"),
        "a claimable card shows its rank");
    JsonNode waves = json("waves");
    assertEquals("[[\"A1\",\"A2\"],[\"B1\"]]", waves.get("waves").toString());
    assertEquals(2, waves.get("maxParallelism").asInt());
    assertEquals(2, waves.get("criticalPath").size());
  }

  @Test
  void updateEditsFieldsAndRefusesAStaleVersionOrAnUnknownField() throws IOException {
    json("create", "--id", "A", "--title", "t");
    JsonNode updated =
        json(
            "update",
            "A",
            "--title",
            "New",
            "--priority",
            "4",
            "--phase",
            "review",
            "--if-version",
            "1");
    assertEquals("New", updated.get("title").asText());
    assertEquals(4, updated.get("priority").asInt());
    assertEquals(2, updated.get("version").asInt());
    assertTrue(
        refused(4, "update", "A", "--title", "x", "--if-version", "1").contains("version 2"));
    assertTrue(refused(2, "update", "A", "--status", "done").contains("--status"));
    assertTrue(refused(2, "update", "A").contains("nothing to update"));
  }

  @Test
  void exportAndImportRoundTripADeferral() throws IOException {
    json("create", "--id", "A", "--title", "t");
    json("defer", "A", "--until", "2099-01-01T00:00:00Z");
    Path file = dir.resolve("plan.jsonl");
    assertEquals(0, cli.run("export", "--out", file.toString()).exit());
    assertTrue(Files.readString(file).contains("\"notBefore\":\"2099-01-01T00:00:00Z\""));
    InProcess other = new InProcess(dir.resolve("home2"), dir);
    InProcess.Run imported = other.run("import", file.toString());
    assertEquals(0, imported.exit(), imported.err());
    InProcess.Run shown = other.run("show", "A", "--json");
    assertEquals("2099-01-01T00:00:00Z", JSON.readTree(shown.out()).get("notBefore").asText());
  }
}
