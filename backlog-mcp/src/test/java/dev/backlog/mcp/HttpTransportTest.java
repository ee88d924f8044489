package dev.backlog.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.jdbc.JdbcBacklogStore;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP tools over the Streamable HTTP transport: the servlet from {@link
 * BacklogMcpHttp#httpServlet} in an embedded Jetty 12 on loopback, driven by the SDK's own HTTP
 * client transport, over an H2 file backlog.
 */
class HttpTransportTest {

  @TempDir Path dir;

  private Backlog backlog;
  private Server jetty;
  private String baseUrl;
  private McpSyncClient client;

  @BeforeEach
  void start() throws Exception {
    backlog =
        Backlog.builder()
            .store(JdbcBacklogStore.builder().url("jdbc:h2:" + dir.resolve("db")).build())
            .build();
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder holder =
        new ServletHolder(BacklogMcpHttp.httpServlet(backlog, McpOptions.defaults()));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/mcp");
    jetty.setHandler(context);
    jetty.start();
    baseUrl = "http://127.0.0.1:" + connector.getLocalPort();
    client = client("http-agent");
  }

  private McpSyncClient client(String name) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(baseUrl)
            .endpoint("/mcp")
            .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
            .build();
    McpSyncClient c =
        McpClient.sync(transport)
            .clientInfo(new Implementation(name, "1.0"))
            .requestTimeout(Duration.ofSeconds(20))
            .build();
    c.initialize();
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.closeGracefully();
    }
    jetty.stop();
    backlog.close();
  }

  private CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
  }

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> card(CallToolResult result) {
    return (Map<String, Object>) structured(result).get("card");
  }

  @SuppressWarnings("unchecked")
  private static long token(CallToolResult result) {
    return ((Number) ((Map<String, Object>) card(result).get("lease")).get("token")).longValue();
  }

  private static Map<String, Object> cardArg(String id, String... deps) {
    return Map.of("id", id, "title", "card " + id, "dependsOn", List.of(deps));
  }

  @Test
  void listsTheNineToolsWithExactNames() {
    List<String> names = client.listTools().tools().stream().map(Tool::name).toList();
    assertEquals(
        List.of(
            "claim_next",
            "heartbeat",
            "complete",
            "release",
            "fail",
            "create_cards",
            "show_card",
            "list_cards",
            "stats"),
        names);
  }

  @Test
  void aClaimHeartbeatCompleteRoundTripNamesTheCardsItMadeClaimable() throws Exception {
    // B depends on A, which comes later in the same call: a forward reference.
    CallToolResult created =
        call("create_cards", Map.of("cards", List.of(cardArg("B", "A"), cardArg("A"))));
    assertFalse(created.isError(), text(created));
    assertEquals("created 2 cards: B, A", text(created));

    CallToolResult claimed = call("claim_next", Map.of("ttlSeconds", 60));
    assertFalse(claimed.isError(), text(claimed));
    assertEquals("A", card(claimed).get("id"));
    long token = token(claimed);
    @SuppressWarnings("unchecked")
    String owner = (String) ((Map<String, Object>) card(claimed).get("lease")).get("owner");
    assertTrue(owner.startsWith("http-agent-"), owner);

    CallToolResult renewed = call("heartbeat", Map.of("id", "A", "token", token));
    assertFalse(renewed.isError(), text(renewed));
    assertTrue(text(renewed).startsWith("lease " + token + " on A now expires at "), text(renewed));

    CallToolResult done =
        call(
            "complete",
            Map.of("id", "A", "token", token, "evidence", Map.of("tests", 12, "commit", "abc")));
    assertFalse(done.isError(), text(done));
    assertEquals("done", card(done).get("status"));
    assertEquals(List.of("B"), structured(done).get("unblocked"));
    assertEquals(Map.of("tests", 12, "commit", "abc"), structured(done).get("evidence"));
    // The evidence is kept on the card's run, as the CLI's complete --evidence keeps it.
    String kept = backlog.history(CardId.of("A")).get(0).evidence();
    assertEquals(
        new ObjectMapper().readTree("{\"tests\":12,\"commit\":\"abc\"}"),
        new ObjectMapper().readTree(kept));
    assertEquals("completed A; now claimable: B", text(done));
  }

  @Test
  void nothingClaimableIsAPlainAnswerNotAnError() {
    CallToolResult result = call("claim_next", Map.of());
    assertFalse(result.isError());
    assertEquals("nothing claimable: the backlog has no cards; create some first", text(result));
    assertTrue(structured(result).containsKey("card"));
    assertNull(structured(result).get("card"));
    call("create_cards", Map.of("cards", List.of(cardArg("A"), cardArg("B", "A"))));
    assertEquals(
        "nothing claimable: B waits for A, which is ready",
        text(call("claim_next", Map.of("id", "B"))),
        "a claim of one card says what holds it back");
  }

  @Test
  void aStaleTokenAfterALapsedLeaseIsRefusedAndChangesNothing() throws Exception {
    call("create_cards", Map.of("cards", List.of(cardArg("A"))));
    long stale = token(call("claim_next", Map.of("ttlSeconds", 1)));
    Thread.sleep(1_500);
    long fresh = token(call("claim_next", Map.of()));
    long eventsBefore = events().size();

    CallToolResult refused = call("complete", Map.of("id", "A", "token", stale));
    assertTrue(refused.isError());
    assertEquals(
        "lease "
            + stale
            + " on A is no longer valid: stop working on A and call claim_next for other work;"
            + " card is claimed (the card was claimed again)",
        text(refused));
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) structured(refused).get("error");
    assertEquals("LEASE_LOST", error.get("code"));
    assertEquals("conflict", error.get("category"), "the CLI's and the server's category");
    assertEquals(eventsBefore, events().size());
    assertEquals(CardStatus.CLAIMED, backlog.get(CardId.of("A")).status());
    assertEquals(fresh, backlog.get(CardId.of("A")).lease().token().value());
  }

  @Test
  void badArgumentsAreIsErrorResultsAndTheServerStillAnswers() {
    call("create_cards", Map.of("cards", List.of(cardArg("A"))));
    long token = token(call("claim_next", Map.of()));
    Map<String, String> cases =
        Map.of(
            "missing token",
            text(call("complete", Map.of("id", "A"))),
            "wrong type",
            text(call("heartbeat", Map.of("id", "A", "token", "seven"))),
            "unknown card",
            text(call("show_card", Map.of("id", "NOPE"))),
            "path id",
            text(call("show_card", Map.of("id", "../../x"))),
            "unknown argument",
            text(call("stats", Map.of("verbose", true))));
    assertEquals("complete needs the argument token; it is missing", cases.get("missing token"));
    assertEquals(
        "heartbeat: token must be a whole number, not 'seven' (a string)", cases.get("wrong type"));
    assertTrue(cases.get("unknown card").contains("NOPE"), cases.get("unknown card"));
    assertTrue(cases.get("path id").contains("'../../x' is not allowed"), cases.get("path id"));
    assertEquals(
        "stats has no argument verbose; its arguments are ", cases.get("unknown argument"));
    @SuppressWarnings("unchecked")
    Map<String, Object> missing =
        (Map<String, Object>) structured(call("complete", Map.of("id", "A"))).get("error");
    assertEquals(
        Map.of("code", "INVALID_INPUT", "category", "invalid_input"),
        Map.of("code", missing.get("code"), "category", missing.get("category")));
    @SuppressWarnings("unchecked")
    Map<String, Object> unknown =
        (Map<String, Object>) structured(call("show_card", Map.of("id", "NOPE"))).get("error");
    assertEquals("not_found", unknown.get("category"), unknown.toString());
    assertEquals(
        "card NOPE does not exist; check the id; list_cards shows the cards there are",
        unknown.get("message"));
    CallToolResult after = call("complete", Map.of("id", "A", "token", token));
    assertFalse(after.isError(), text(after));
  }

  @Test
  void createCardsIsAllOrNothing() {
    CallToolResult refused =
        call("create_cards", Map.of("cards", List.of(cardArg("A"), cardArg("B", "MISSING"))));
    assertTrue(refused.isError());
    assertTrue(text(refused).contains("nothing was created"), text(refused));
    assertTrue(text(refused).contains("MISSING"), text(refused));
    assertTrue(backlog.find(CardId.of("A")).isEmpty());

    CallToolResult invalid =
        call(
            "create_cards",
            Map.of("cards", List.of(Map.of("id", "C"), Map.of("id", "D", "title", 5))));
    assertTrue(invalid.isError());
    assertTrue(text(invalid).contains("cards[0]"), text(invalid));
    assertTrue(text(invalid).contains("cards[1]"), text(invalid));
    assertTrue(backlog.find(CardId.of("C")).isEmpty());

    CallToolResult outOfRange =
        call(
            "create_cards",
            Map.of(
                "cards",
                List.of(
                    Map.of("id", "E", "title", " "),
                    Map.of("id", "F", "title", "f", "priority", 99_999_999_999L))));
    assertEquals(
        "create_cards refused, nothing was created: cards[0]: title is required and must not be"
            + " blank; cards[1]: priority 99999999999 is out of range for a 32-bit integer; fix"
            + " these and call again",
        text(outOfRange),
        "each problem names its card");
  }

  @Test
  void releaseRecordsItsReasonAndFailBlocksAtTheAttemptLimit() {
    call(
        "create_cards",
        Map.of("cards", List.of(Map.of("id", "A", "title", "a"), Map.of("id", "B", "title", "b"))));
    long a = token(call("claim_next", Map.of("id", "A")));
    CallToolResult released = call("release", Map.of("id", "A", "token", a, "reason", "later"));
    assertFalse(released.isError(), text(released));
    assertEquals("ready", card(released).get("status"));
    Event event =
        events().stream().filter(e -> e.type() == EventType.RELEASED).findFirst().orElseThrow();
    assertEquals("{\"reason\":\"later\"}", event.data());

    CallToolResult noReason = call("fail", Map.of("id", "B", "token", 1));
    assertTrue(noReason.isError());
    assertEquals("fail needs the argument reason; it is missing", text(noReason));
    String last = null;
    for (int i = 0; i < 3; i++) {
      long b = token(call("claim_next", Map.of("id", "B")));
      last = text(call("fail", Map.of("id", "B", "token", b, "reason", "flaky")));
    }
    assertTrue(last.startsWith("failed B; it is blocked after 3 attempts"), last);
  }

  @Test
  void showListStatsResourcesAndPromptAnswer() {
    call("create_cards", Map.of("cards", List.of(cardArg("A"), cardArg("B", "A"))));
    CallToolResult shown = call("show_card", Map.of("id", "B"));
    assertEquals(
        "B \"card B\": ready, depends on A (ready); waiting: waits for A, which is ready",
        text(shown));
    assertEquals(
        List.of(Map.of("id", "A", "status", "ready")), structured(shown).get("dependencies"));
    @SuppressWarnings("unchecked")
    Map<String, Object> why = (Map<String, Object>) structured(shown).get("explanation");
    assertEquals(false, why.get("claimable"), why.toString());
    assertEquals(
        "waits for A, which is ready",
        ((List<Map<String, Object>>) why.get("reasons")).get(0).get("text"),
        why.toString());
    assertEquals(
        "A \"card A\": ready, no dependencies; claimable: rank 1 in claim order",
        text(call("show_card", Map.of("id", "A"))));
    long a = token(call("claim_next", Map.of("id", "A", "owner", "agent-1")));
    assertTrue(
        text(call("show_card", Map.of("id", "A")))
            .startsWith("A \"card A\": claimed, no dependencies; claimed by agent-1 until "),
        text(call("show_card", Map.of("id", "A"))));
    call("release", Map.of("id", "A", "token", a));
    assertEquals(1, ((List<?>) structured(shown).get("events")).size());

    CallToolResult listed = call("list_cards", Map.of("status", "ready", "limit", 1));
    assertEquals("1 card: A (ready)", text(listed));
    assertTrue(call("list_cards", Map.of("status", "waiting")).isError());

    CallToolResult stats = call("stats", Map.of());
    assertEquals("2 cards: 2 ready (1 claimable), 0 claimed, 0 done, 0 blocked", text(stats));

    String statsJson =
        ((TextResourceContents)
                client.readResource(new ReadResourceRequest("backlog://stats")).contents().get(0))
            .text();
    assertTrue(statsJson.contains("\"total\":2"), statsJson);
    String cardJson =
        ((TextResourceContents)
                client.readResource(new ReadResourceRequest("backlog://cards/B")).contents().get(0))
            .text();
    assertTrue(cardJson.startsWith("{\"id\":\"B\""), cardJson);
    String prompt =
        ((TextContent)
                client
                    .getPrompt(new GetPromptRequest("work-loop", Map.of()))
                    .messages()
                    .get(0)
                    .content())
            .text();
    assertTrue(prompt.contains("heartbeat") && prompt.contains("stop working"), prompt);
  }

  @Test
  void anHttpSessionThatEndsKeepsItsLeasesToTheirTtl() {
    call("create_cards", Map.of("cards", List.of(cardArg("A"))));
    call("claim_next", Map.of());
    client.closeGracefully();
    client = client("second-agent");
    assertEquals("nothing claimable: 1 card is claimed", text(call("claim_next", Map.of())));
    assertEquals(CardStatus.CLAIMED, backlog.get(CardId.of("A")).status());
    assertTrue(events().stream().noneMatch(e -> e.type() == EventType.RELEASED));
  }

  private List<Event> events() {
    return backlog.events(EventQuery.after(0, EventQuery.MAX_LIMIT));
  }
}
