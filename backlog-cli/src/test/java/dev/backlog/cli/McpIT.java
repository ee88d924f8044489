package dev.backlog.cli;

import static dev.backlog.cli.McpStdio.card;
import static dev.backlog.cli.McpStdio.cardArg;
import static dev.backlog.cli.McpStdio.structured;
import static dev.backlog.cli.McpStdio.text;
import static dev.backlog.cli.McpStdio.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backlog mcp} as an agent meets it: the built jar started as a separate process, spoken to
 * over stdio through the MCP SDK's own client. The process tests live here, beside the other
 * black-box tests of the runnable jar, because this module builds that jar.
 */
class McpIT {

  /**
   * The tools/list answer must stay below this many bytes of JSON (it costs every agent context).
   */
  static final int TOOLS_LIST_BUDGET = 6_000;

  @TempDir Path dir;

  @Test
  void toolsListMatchesTheCommittedSnapshotAndStaysUnderItsBudget() throws Exception {
    CliProcess cli = new CliProcess(dir);
    try (McpStdio mcp = McpStdio.start(cli, "snapshot-agent")) {
      ListToolsResult tools = mcp.client.listTools();
      String actual = McpStdio.MAPPER.writeValueAsString(tools);
      String expected =
          Files.readString(McpStdio.resource("/mcp/tools-list.json"), StandardCharsets.UTF_8)
              .strip();
      if (!expected.equals(actual)) {
        Path written = Path.of("target", "tools-list.actual.json");
        Files.writeString(written, actual, StandardCharsets.UTF_8);
        assertEquals(expected, actual, "tools/list changed; the new answer is in " + written);
      }
      int bytes = actual.getBytes(StandardCharsets.UTF_8).length;
      assertTrue(bytes < TOOLS_LIST_BUDGET, "tools/list is " + bytes + " bytes");
      assertEquals(9, tools.tools().size());
    }
  }

  @Test
  void everyToolAnswersAndEveryRefusalIsAnIsErrorResultAfterWhichTheServerStillAnswers()
      throws Exception {
    CliProcess cli = new CliProcess(dir);
    try (McpStdio mcp = McpStdio.start(cli, "tool-agent")) {
      CallToolResult created =
          mcp.call(
              "create_cards",
              Map.of(
                  "cards",
                  List.of(
                      cardArg("B", List.of("A")),
                      cardArg("A", List.of()),
                      cardArg("C", List.of()))));
      assertFalse(created.isError(), text(created));

      CallToolResult claimed = mcp.call("claim_next", Map.of("id", "A"));
      long a = token(claimed);
      String owner = (String) ((Map<?, ?>) card(claimed).get("lease")).get("owner");
      assertTrue(owner.startsWith("tool-agent-"), owner);
      assertFalse(mcp.call("heartbeat", Map.of("id", "A", "token", a, "ttlSeconds", 60)).isError());

      // Refusals: each is a tool result with isError, and the next call is answered.
      Map<String, CallToolResult> refused = new HashMap<>();
      refused.put("missing token", mcp.call("complete", Map.of("id", "A")));
      refused.put("wrong type", mcp.call("complete", Map.of("id", "A", "token", "x")));
      refused.put("unknown card", mcp.call("show_card", Map.of("id", "NOPE")));
      refused.put("path id", mcp.call("show_card", Map.of("id", "../../x")));
      refused.put("wrong token", mcp.call("release", Map.of("id", "A", "token", a + 100)));
      refused.put("invalid transition", mcp.call("heartbeat", Map.of("id", "C", "token", 1)));
      refused.forEach((what, r) -> assertTrue(r.isError(), what + ": " + text(r)));
      assertEquals(
          "complete needs the argument token; it is missing", text(refused.get("missing token")));
      assertTrue(text(refused.get("path id")).contains("'../../x' is not allowed"));
      assertTrue(
          text(refused.get("wrong token"))
              .startsWith("lease " + (a + 100) + " on A is no longer valid: stop working on A"),
          text(refused.get("wrong token")));

      CallToolResult done =
          mcp.call("complete", Map.of("id", "A", "token", a, "evidence", Map.of("tests", 3)));
      assertFalse(done.isError(), text(done));
      assertEquals(List.of("B"), structured(done).get("unblocked"));

      long b = token(mcp.call("claim_next", Map.of("id", "B")));
      CallToolResult failed = mcp.call("fail", Map.of("id", "B", "token", b, "reason", "flaky"));
      assertEquals("ready", card(failed).get("status"), text(failed));
      long c = token(mcp.call("claim_next", Map.of("id", "C")));
      assertEquals("ready", card(mcp.call("release", Map.of("id", "C", "token", c))).get("status"));

      assertEquals(
          "B \"card B\": ready, depends on A (done); claimable: rank 1 in claim order",
          text(mcp.call("show_card", Map.of("id", "B"))));
      assertEquals(
          "2 cards: B (ready), C (ready)", text(mcp.call("list_cards", Map.of("status", "ready"))));
      assertEquals(
          "3 cards: 2 ready (2 claimable), 0 claimed, 1 done, 0 blocked",
          text(mcp.call("stats", Map.of())));

      // A stale token after a lapsed lease: refused, and nothing changed.
      long stale = token(mcp.call("claim_next", Map.of("id", "C", "ttlSeconds", 1)));
      Thread.sleep(1_200);
      JsonNode before = cli.run("--json", "show", "C").json();
      int eventsBefore = events(cli).size();
      CallToolResult late = mcp.call("complete", Map.of("id", "C", "token", stale));
      assertTrue(late.isError(), text(late));
      assertEquals(before, cli.run("--json", "show", "C").json());
      assertEquals(eventsBefore, events(cli).size());
    }
  }

  @Test
  void fourConcurrentClientsDrainAFortyCardDagWithNoCardClaimedTwice() throws Exception {
    CliProcess cli = new CliProcess(dir);
    int n = 40;
    Map<String, List<String>> deps = new HashMap<>();
    List<Map<String, Object>> cards = new ArrayList<>();
    // Listed last card first, so every dependency is a forward reference within the call.
    for (int i = n - 1; i >= 0; i--) {
      List<String> d = new ArrayList<>();
      if (i > 0) {
        d.add(id((i - 1) / 2));
      }
      if (i >= 5 && i % 3 == 0) {
        d.add(id(i - 5));
      }
      deps.put(id(i), d);
      cards.add(cardArg(id(i), d));
    }
    List<McpStdio> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        clients.add(McpStdio.start(cli, "drainer-" + i));
      }
      CallToolResult created = clients.get(0).call("create_cards", Map.of("cards", cards));
      assertFalse(created.isError(), text(created));

      List<String> claims = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger completed = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> runs = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      for (McpStdio client : clients) {
        runs.add(
            pool.submit(
                () -> {
                  while (completed.get() < n) {
                    assertTrue(System.nanoTime() < deadline, "the DAG was not drained in time");
                    CallToolResult r = client.call("claim_next", Map.of());
                    assertFalse(r.isError(), text(r));
                    if (card(r) == null) {
                      Thread.sleep(20);
                      continue;
                    }
                    String id = (String) card(r).get("id");
                    claims.add(id);
                    CallToolResult done =
                        client.call("complete", Map.of("id", id, "token", token(r)));
                    assertFalse(done.isError(), text(done));
                    completed.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> run : runs) {
        run.get(150, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertEquals(n, claims.size(), "claims: " + claims);
      assertEquals(n, new TreeSet<>(claims).size(), "a card was claimed twice: " + claims);
    } finally {
      clients.forEach(McpStdio::close);
    }

    Map<String, Long> claimedAt = new HashMap<>();
    Map<String, Long> completedAt = new HashMap<>();
    Map<String, Integer> completions = new HashMap<>();
    Set<String> owners = new TreeSet<>();
    for (JsonNode e : events(cli)) {
      String card = e.get("cardId").asText();
      switch (e.get("type").asText()) {
        case "claimed" -> {
          claimedAt.put(card, e.get("seq").asLong());
          owners.add(e.get("data").get("owner").asText().replaceAll("-[0-9a-f]+$", ""));
        }
        case "completed" -> {
          completedAt.put(card, e.get("seq").asLong());
          completions.merge(card, 1, Integer::sum);
        }
        default -> {}
      }
    }
    for (int i = 0; i < n; i++) {
      String card = id(i);
      assertEquals(
          1, completions.get(card), card + " completed " + completions.get(card) + " times");
      for (String dep : deps.get(card)) {
        assertTrue(
            completedAt.get(dep) < claimedAt.get(card),
            card + " was claimed before its dependency " + dep + " was done");
      }
    }
    assertTrue(owners.size() > 1, "one client did all the work: " + owners);
  }

  @Test
  void aKilledClientsCardIsReadyAgainWithinTwoSecondsWithAReleasedEvent() throws Exception {
    CliProcess cli = new CliProcess(dir);
    assertEquals(0, cli.run("create", "--id", "A", "--title", "held by a doomed agent").exit());
    Path testClasses =
        Path.of(McpAgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process agent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                CliProcess.JAR + java.io.File.pathSeparator + testClasses,
                McpAgentMain.class.getName(),
                CliProcess.LAUNCHER.toString(),
                cli.home.toString(),
                "A")
            .redirectError(dir.resolve("agent-err.txt").toFile())
            .start();
    Instant killedAt;
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertNotNull(line, () -> "the agent ended early: " + read(dir.resolve("agent-err.txt")));
      assertTrue(line.startsWith("claimed "), line);
      assertEquals("claimed", cli.run("--json", "show", "A").json().get("status").asText());
      killedAt = Instant.now();
    } finally {
      agent.destroyForcibly();
    }
    assertTrue(agent.waitFor(30, TimeUnit.SECONDS));

    JsonNode released = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (released == null && System.nanoTime() < deadline) {
      for (JsonNode e : events(cli)) {
        if (e.get("type").asText().equals("released")) {
          released = e;
        }
      }
      if (released == null) {
        Thread.sleep(100);
      }
    }
    assertNotNull(released, "no released event after the agent was killed");
    assertEquals("session ended", released.get("data").get("reason").asText());
    Duration after = Duration.between(killedAt, Instant.parse(released.get("at").asText()));
    assertTrue(after.compareTo(Duration.ofSeconds(2)) < 0, "released " + after + " after the kill");
    assertEquals("ready", cli.run("--json", "show", "A").json().get("status").asText());
  }

  @Test
  void aHostThatStopsTheServerGetsItsLeasesReleasedUnlessTheyAreKept() throws Exception {
    CliProcess cli = new CliProcess(dir);
    assertEquals(0, cli.run("create", "--id", "A", "--title", "a").exit());
    assertEquals(0, cli.run("create", "--id", "B", "--title", "b").exit());
    try (McpStdio mcp = McpStdio.start(cli, "stopped-agent")) {
      assertFalse(mcp.call("claim_next", Map.of("id", "A")).isError());
    }
    assertEquals("ready", cli.run("--json", "show", "A").json().get("status").asText());
    try (McpStdio mcp = McpStdio.start(cli, "keeping-agent", "--keep-leases-on-exit")) {
      assertFalse(mcp.call("claim_next", Map.of("id", "B")).isError());
    }
    assertEquals("claimed", cli.run("--json", "show", "B").json().get("status").asText());
    List<JsonNode> released =
        events(cli).stream().filter(e -> e.get("type").asText().equals("released")).toList();
    assertEquals(1, released.size(), released.toString());
    assertEquals("A", released.get(0).get("cardId").asText());
  }

  private static String id(int i) {
    return String.format("C%02d", i);
  }

  private static List<JsonNode> events(CliProcess cli) {
    CliProcess.Result r = cli.run("--json", "events", "--limit", "100000");
    assertEquals(0, r.exit(), r::toString);
    List<JsonNode> all = new ArrayList<>();
    r.json().forEach(all::add);
    return all;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(" + e + ")";
    }
  }
}
