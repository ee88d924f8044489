package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands' output contracts, run in-process against the in-memory store. */
class CommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  InProcess cli;

  @BeforeEach
  void setUp() {
    cli = new InProcess(dir.resolve("home"), dir);
  }

  JsonNode json(String... args) throws IOException {
    List<String> line = new ArrayList<>(List.of(args));
    if (!line.contains("--json")) {
      line.add("--json");
    }
    InProcess.Run run = cli.run(line.toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    return JSON.readTree(run.out());
  }

  @Test
  void aCardHasExactlyTheContractFieldsInOrder() throws IOException {
    JsonNode card = json("create", "--id", "A1", "--title", "t", "--json");
    List<String> names = new ArrayList<>();
    card.fieldNames().forEachRemaining(names::add);
    assertEquals(
        List.of(
            "id",
            "title",
            "body",
            "phase",
            "priority",
            "status",
            "dependsOn",
            "acceptance",
            "idempotencyKey",
            "attempts",
            "maxAttempts",
            "blockedReason",
            "lease",
            "createdAt",
            "updatedAt",
            "version",
            "notBefore"),
        names);
  }

  @Test
  void theVersionIsOneJsonValueWithJson() throws IOException {
    InProcess.Run plain = cli.run("--version");
    assertEquals(0, plain.exit(), plain.err());
    // The classes under test do not run from the jar, whose manifest carries the version.
    assertEquals("backlog (development build)", plain.out().strip());
    for (String[] line :
        List.of(new String[] {"--version", "--json"}, new String[] {"claim", "-V", "--json"})) {
      InProcess.Run run = cli.run(line);
      assertEquals(0, run.exit(), run.err());
      JsonNode version = JSON.readTree(run.out());
      assertEquals(List.of("version"), fieldNames(version), run.out());
      assertTrue(version.get("version").isNull(), run.out());
    }
  }

  @Test
  void helpIsOneJsonValueWithJson() throws IOException {
    for (String[] line :
        List.of(
            new String[] {"claim", "--help", "--json"},
            new String[] {"help", "claim", "--json"},
            new String[] {"--json", "claim", "-h"})) {
      InProcess.Run run = cli.run(line);
      assertEquals(0, run.exit(), run.err());
      JsonNode help = JSON.readTree(run.out());
      assertEquals(List.of("command", "usage"), fieldNames(help), run.out());
      assertEquals("backlog claim", help.get("command").asText());
      assertTrue(help.get("usage").asText().startsWith("Usage: backlog claim "), run.out());
      assertEquals(cli.run("claim", "--help").out(), help.get("usage").asText(), "the same text");
    }
    JsonNode nested = JSON.readTree(cli.run("coord", "merge", "--help", "--json").out());
    assertEquals("backlog coord merge", nested.get("command").asText());
    assertEquals(
        "backlog coord",
        JSON.readTree(cli.run("help", "coord", "--json").out()).get("command").asText());
    JsonNode root = JSON.readTree(cli.run("help", "--json").out());
    assertEquals("backlog", root.get("command").asText());
    assertTrue(root.get("usage").asText().contains("claim"), root.toString());
  }

  @Test
  void helpFollowsEveryNameGiven() throws IOException {
    InProcess.Run nested = cli.run("help", "coord", "merge");
    assertEquals(0, nested.exit(), nested.err());
    assertEquals(cli.run("coord", "merge", "--help").out(), nested.out());
    assertTrue(nested.out().startsWith("Usage: backlog coord merge "), nested.out());
    assertEquals(
        "backlog coord merge",
        JSON.readTree(cli.run("help", "coord", "merge", "--json").out()).get("command").asText());
    assertEquals(cli.run("--help").out(), cli.run("help").out());
    assertTrue(cli.run("help", "help").out().startsWith("Usage: backlog help "), "its own help");

    InProcess.Run unknown = cli.run("help", "coord", "mrege");
    assertEquals(2, unknown.exit(), unknown.out());
    assertEquals("", unknown.out());
    assertTrue(
        unknown.err().contains("'mrege' is not a command of 'backlog coord'; use one of ")
            && unknown.err().contains("merge"),
        unknown.err());
    assertFalse(unknown.err().contains("help,"), unknown.err());
    InProcess.Run leaf = cli.run("help", "claim", "more");
    assertEquals(2, leaf.exit(), leaf.out());
    assertTrue(
        leaf.err().contains("'more' is not a command of 'backlog claim'; it has none"), leaf.err());
    InProcess.Run json = cli.run("help", "nosuch", "--json");
    assertEquals(2, json.exit(), json.out());
    assertEquals("USAGE", JSON.readTree(json.err()).get("error").get("code").asText(), json.err());
  }

  @Test
  void idGivenAsAnOptionToACommandThatTakesItAsTheArgumentSaysHowToGiveIt() {
    for (String[] line :
        List.of(
            new String[] {"defer", "--id", "A", "--for", "1h"},
            new String[] {"defer", "--id=A", "--for", "1h"},
            new String[] {"show", "--id", "A"})) {
      InProcess.Run run = cli.run(line);
      assertEquals(2, run.exit(), run.out());
      assertTrue(
          run.err()
              .contains(
                  "give the card as the argument, without --id: 'backlog " + line[0] + " ID'"),
          run.err());
    }
    InProcess.Run other = cli.run("list", "--id", "A");
    assertEquals(2, other.exit(), other.out());
    assertFalse(other.err().contains("without --id"), "list takes no card: " + other.err());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theCompletionScriptIsPrintedAsItIsOrAsOneJsonValue() throws IOException {
    InProcess.Run plain = cli.run("completion");
    assertEquals(0, plain.exit(), plain.err());
    assertTrue(plain.out().startsWith("#!/usr/bin/env bash"), plain.out());
    assertTrue(plain.out().contains("complete -F"), "a bash completion script");
    JsonNode json = json("completion", "--json");
    assertEquals("bash", json.get("shell").asText());
    assertEquals(plain.out().strip(), json.get("script").asText().strip());
  }

  @Test
  void acceptanceTakesJsonOrASemicolonList() throws IOException {
    JsonNode list =
        json(
            "create", "--id", "A", "--title", "t", "--acceptance", "tests pass; docs ;;", "--json");
    assertEquals("[\"tests pass\",\"docs\"]", list.get("acceptance").toString());
    JsonNode object =
        json("create", "--id", "B", "--title", "t", "--acceptance", "{\"coverage\": 80}", "--json");
    assertEquals(80, object.get("acceptance").get("coverage").asInt());
  }

  @Test
  void claimWithALimitAboveOneReturnsAnArray() throws IOException {
    json("create", "--id", "A", "--title", "t");
    json("create", "--id", "B", "--title", "t");
    JsonNode claims = json("claim", "--owner", "w", "--limit", "5", "--json");
    assertTrue(claims.isArray());
    assertEquals(2, claims.size());
    assertEquals(0, json("claim", "--owner", "w", "--limit", "5", "--json").size());
  }

  @Test
  void claimWithWaitLongPollsForWorkAndReturnsNullWhenNoneCame() throws Exception {
    long start = System.nanoTime();
    assertTrue(json("claim", "--owner", "w", "--wait", "1").isNull());
    assertTrue(System.nanoTime() - start >= 900_000_000L, "waited about a second");

    Thread creator =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              cli.run("create", "--id", "LATE", "--title", "arrives while the claim waits");
            });
    creator.start();
    JsonNode claimed = json("claim", "--owner", "w", "--wait", "10");
    creator.join();
    assertEquals("LATE", claimed.get("id").asText());
  }

  @Test
  void statsFollowsTheContract() throws IOException {
    json("create", "--id", "A", "--title", "t", "--phase", "build");
    json("create", "--id", "B", "--title", "t", "--blocked", "--reason", "waiting for review");
    JsonNode stats = json("stats", "--json");
    assertEquals(1, stats.get("counts").get("ready").asInt());
    assertEquals(1, stats.get("counts").get("blocked").asInt());
    assertEquals(2, stats.get("total").asInt());
    assertEquals(1, stats.get("claimable").asInt());
    assertTrue(stats.get("oldestClaimableAgeSeconds").isNumber());
    assertEquals(0, stats.get("expiredLeaseCount").asInt());
    assertEquals(1, stats.get("byPhase").get("build").get("ready").asInt());
    json("complete", "A", "--force");
    assertTrue(json("stats", "--json").get("oldestClaimableAgeSeconds").isNull());
  }

  @Test
  void theLeaseCommandsFollowTheStatusMachine() throws IOException {
    json("create", "--id", "A", "--title", "t", "--max-attempts", "2");
    long token = json("claim", "--owner", "w", "--json").get("lease").get("token").asLong();
    JsonNode renewed = json("renew", "A", "--token", Long.toString(token), "--ttl", "60", "--json");
    assertEquals(token, renewed.get("lease").get("token").asLong());
    assertEquals(
        "ready",
        json("release", "A", "--token", Long.toString(token), "--json").get("status").asText());
    long second = json("claim", "--owner", "w", "--json").get("lease").get("token").asLong();
    JsonNode failed =
        json("fail", "A", "--token", Long.toString(second), "--reason", "flaky", "--json");
    assertEquals(
        "blocked", failed.get("status").asText(), "the second failure reaches maxAttempts 2");
    assertEquals("ready", json("unblock", "A", "--json").get("status").asText());
    assertEquals("done", json("complete", "A", "--force", "--json").get("status").asText());
    assertEquals("ready", json("reopen", "A", "--json").get("status").asText());
    json("claim", "--owner", "w");
    assertEquals("[\"A\"]", json("reclaim", "--id", "A", "--json").get("reclaimed").toString());
    assertEquals("blocked", json("block", "A", "--reason", "r", "--json").get("status").asText());
    JsonNode events = json("events", "--card", "A", "--json");
    assertTrue(events.size() >= 10, events.toString());
    for (String[] line :
        List.of(
            new String[] {"events", "--card", "Z"},
            new String[] {"events", "--card", "Z", "--follow"})) {
      InProcess.Run missing = cli.run(line);
      assertEquals(3, missing.exit(), missing.err());
      assertTrue(missing.err().contains("card Z does not exist"), missing.err());
    }
  }

  @Test
  void linkAndUnlinkEditTheGraph() throws IOException {
    json("create", "--id", "A", "--title", "t");
    json("create", "--id", "B", "--title", "t");
    assertEquals(
        "[\"A\"]", json("link", "--from", "B", "--to", "A", "--json").get("dependsOn").toString());
    InProcess.Run mermaid = cli.run("graph");
    assertTrue(mermaid.out().contains("n0 --> n1"), mermaid.out());
    assertTrue(mermaid.out().contains("classDef done"), mermaid.out());
    InProcess.Run dot = cli.run("graph", "--format", "dot");
    assertTrue(dot.out().contains("\"A\" -> \"B\";"), dot.out());
    assertEquals(dot.out(), cli.run("graph", "--format", "DOT").out(), "in any case");
    InProcess.Run png = cli.run("graph", "--format", "png");
    assertEquals(2, png.exit());
    assertEquals(
        "backlog: Invalid value for option '--format': 'png' is not a format; use mermaid or dot"
            + " (run 'backlog graph --help' for usage)",
        png.err().strip());
    assertEquals(
        "[]", json("unlink", "--from", "B", "--to", "A", "--json").get("dependsOn").toString());
  }

  @Test
  void exportThenImportRestoresCardsAndTheirDoneAndBlockedStatus() throws IOException {
    json("create", "--id", "A", "--title", "first", "--acceptance", "works", "--phase", "p");
    json("create", "--id", "B", "--title", "second", "--depends-on", "A", "--priority", "3");
    json("create", "--id", "C", "--title", "third", "--blocked", "--reason", "needs a decision");
    json("complete", "A", "--force");
    json("claim", "--owner", "w");
    Path file = dir.resolve("out.jsonl");
    assertEquals(3, json("export", "--out", file.toString(), "--json").get("exported").asInt());
    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size());
    InProcess.Run noDir = cli.run("export", "--out", dir.resolve("nope/out.jsonl").toString());
    assertEquals(2, noDir.exit(), "a directory that does not exist is the caller's to fix");
    assertTrue(noDir.err().contains("does not exist; create it first"), noDir.err());
    InProcess.Run intoDir = cli.run("export", "--out", dir.toString());
    assertEquals(2, intoDir.exit(), intoDir.err());
    assertTrue(intoDir.err().contains("it is a directory; give the path of a file"), intoDir.err());

    InProcess fresh = new InProcess(dir.resolve("home2"), dir);
    InProcess.Run imported = fresh.run("import", file.toString(), "--json");
    assertEquals(0, imported.exit(), imported.err());
    assertEquals("{\"imported\":3,\"done\":1,\"blocked\":1}", imported.out().strip());
    JsonNode a = JSON.readTree(fresh.run("show", "A", "--json").out());
    assertEquals("done", a.get("status").asText());
    assertEquals("[\"works\"]", a.get("acceptance").toString());
    JsonNode b = JSON.readTree(fresh.run("show", "B", "--json").out());
    assertEquals("ready", b.get("status").asText(), "a claimed card comes back ready");
    assertEquals(3, b.get("priority").asInt());
    JsonNode c = JSON.readTree(fresh.run("show", "C", "--json").out());
    assertEquals("blocked", c.get("status").asText());
    assertEquals("needs a decision", c.get("blockedReason").asText());

    InProcess.Run again = fresh.run("import", file.toString());
    assertEquals(2, again.exit());
    assertTrue(again.err().contains("line 1: card A already exists"), again.err());
  }

  @Test
  void anImportWithACycleNamesTheLinesAndImportsNothing() throws IOException {
    Path file = dir.resolve("cycle.jsonl");
    Files.writeString(
        file,
        "{\"id\":\"X\",\"title\":\"x\",\"dependsOn\":[\"Y\"]}\n"
            + "{\"id\":\"Y\",\"title\":\"y\",\"dependsOn\":[\"X\"]}\n");
    InProcess.Run run = cli.run("import", file.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("cycle") && run.err().contains("lines 1, 2"), run.err());
    assertEquals("[]", cli.run("list", "--json").out().strip());
  }

  @Test
  void eventsFollowPrintsNewEventsUntilInterrupted() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
    // The follower shares the writer's in-memory store.
    Cli shared =
        new Cli(stream, stream, cli.env, dir, (s, p, b) -> new InProcess.NonClosing(cli.store));
    int[] exit = {-1};
    Thread t =
        new Thread(
            () -> exit[0] = shared.execute("events", "--follow", "--json", "--poll-millis", "20"));
    t.start();
    json("create", "--id", "F1", "--title", "followed");
    long deadline = System.currentTimeMillis() + 10_000;
    while (!out.toString(StandardCharsets.UTF_8).contains("F1")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    t.interrupt();
    t.join(10_000);
    assertFalse(t.isAlive());
    assertEquals(0, exit[0]);
    String line =
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("F1"))
            .findFirst()
            .orElseThrow();
    assertEquals("created", JSON.readTree(line).get("type").asText());
  }

  @Test
  void completionPrintsABashScriptCoveringTheCommands() {
    InProcess.Run run = cli.run("completion");
    assertEquals(0, run.exit());
    assertTrue(run.out().contains("complete -F"), run.out().substring(0, 200));
    assertTrue(run.out().contains("claim") && run.out().contains("--owner"));
  }

  @Test
  void helpListsEveryCommandAndExitsZero() {
    InProcess.Run run = cli.run("--help");
    assertEquals(0, run.exit());
    for (String command :
        List.of(
            "create",
            "show",
            "list",
            "claim",
            "renew",
            "complete",
            "release",
            "fail",
            "reclaim",
            "block",
            "unblock",
            "reopen",
            "link",
            "unlink",
            "stats",
            "graph",
            "events",
            "import",
            "export",
            "demo",
            "completion")) {
      assertTrue(
          run.out().contains("  " + command + " "), "help lists " + command + ":\n" + run.out());
    }
  }
}
