package dev.backlog.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardQuery;
import dev.backlog.core.EventQuery;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security review's hostile arguments for the MCP server, written as JSON-RPC lines by hand (an
 * SDK client would refuse to build most of them): huge strings, deeply nested JSON, card ids with
 * path separators and {@code ..}. Each is answered with a clear refusal (an {@code isError} tool
 * result, or a JSON-RPC error for a line that cannot be parsed at all), changes nothing in the
 * store, and the server goes on answering the next call.
 */
class HostileArgumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Backlog backlog;
  private OutputStream toServer;
  private BufferedReader fromServer;
  private int nextId = 2;

  @BeforeEach
  void start() throws Exception {
    backlog =
        Backlog.builder()
            .store(JdbcBacklogStore.builder().url("jdbc:h2:" + dir.resolve("db")).build())
            .build();
    backlog.create(NewCard.builder("A").title("a").build());
    PipedInputStream serverIn = new PipedInputStream(1 << 16);
    toServer = new PipedOutputStream(serverIn);
    PipedInputStream clientIn = new PipedInputStream(1 << 16);
    PipedOutputStream serverOut = new PipedOutputStream(clientIn);
    fromServer = new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8));
    BacklogMcp.stdio(backlog, McpOptions.defaults(), serverIn, serverOut);
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}}");
    assertEquals("backlog", answer().at("/result/serverInfo/name").asText());
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  @AfterEach
  void stop() throws Exception {
    toServer.close();
    backlog.close();
  }

  @Test
  void idsWithPathSeparatorsOrDotDotAreRefusedByEveryToolThatTakesAnId() throws Exception {
    String before = snapshot();
    for (String id : List.of("../../etc/passwd", "..", "a/b", "a\\b", "/abs", "..%2f..", "A/..")) {
      String quoted = JSON.writeValueAsString(id);
      for (String[] call :
          new String[][] {
            {"show_card", "{\"id\":" + quoted + "}"},
            {"claim_next", "{\"id\":" + quoted + "}"},
            {"complete", "{\"id\":" + quoted + ",\"token\":1}"},
            {"heartbeat", "{\"id\":" + quoted + ",\"token\":1}"},
            {"release", "{\"id\":" + quoted + ",\"token\":1}"},
            {"fail", "{\"id\":" + quoted + ",\"token\":1,\"reason\":\"x\"}"},
            {"create_cards", "{\"cards\":[{\"id\":" + quoted + ",\"title\":\"t\"}]}"},
            {
              "create_cards",
              "{\"cards\":[{\"id\":\"B\",\"title\":\"t\",\"dependsOn\":[" + quoted + "]}]}"
            },
          }) {
        JsonNode r = call(call[0], call[1]);
        assertRefused(r, call[0] + " with id " + id);
      }
    }
    assertEquals(before, snapshot(), "nothing changed");
    assertServerStillAnswers();
  }

  @Test
  void hugeStringsAreRefusedWithAShortMessageAndNothingChanges() throws Exception {
    String before = snapshot();
    String huge = "A".repeat(2 << 20);
    Map<String, String> calls = new LinkedHashMap<>();
    calls.put("show_card", "{\"id\":\"" + huge + "\"}");
    calls.put("claim_next", "{\"owner\":\"" + huge + "\"}");
    calls.put("create_cards", "{\"cards\":[{\"id\":\"B\",\"title\":\"" + huge + "\"}]}");
    calls.put("list_cards", "{\"phase\":\"" + huge + "\"}");
    calls.put("complete", "{\"id\":\"A\",\"token\":1,\"evidence\":\"" + huge + "\"}");
    calls.put("stats", "{\"" + huge + "\":1}");
    for (Map.Entry<String, String> c : calls.entrySet()) {
      JsonNode r = call(c.getKey(), c.getValue());
      String message = assertRefused(r, c.getKey() + " with a 2 MB string");
      assertTrue(
          message.length() < 2_000,
          c.getKey() + ": the refusal does not echo the huge value (" + message.length() + ")");
    }
    assertEquals(before, snapshot(), "nothing changed");
    assertServerStillAnswers();
  }

  @Test
  void deeplyNestedJsonIsRefusedAndTheServerGoesOnReading() throws Exception {
    String before = snapshot();
    // deeper than the JSON parser allows: the line cannot be read at all, a JSON-RPC error
    int tooDeep = 100_000;
    String deep = "[".repeat(tooDeep) + "]".repeat(tooDeep);
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + nextId++
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"complete\",\"arguments\":{\"id\":\"A\","
            + "\"token\":1,\"evidence\":"
            + deep
            + "}}}");
    JsonNode parseError = answer();
    assertTrue(parseError.has("error"), parseError.toString());
    assertTrue(
        parseError.toString().length() < 4_000, "the error does not echo the line back whole");
    // nested as deep as the parser allows, where a tool expects a string or a number
    String nested = "{\"a\":".repeat(900) + "1" + "}".repeat(900);
    for (String[] c :
        new String[][] {
          {"show_card", "{\"id\":" + nested + "}"},
          {"complete", "{\"id\":\"A\",\"token\":" + nested + "}"},
          {"create_cards", "{\"cards\":[{\"id\":\"B\",\"title\":" + nested + "}]}"},
          {"create_cards", "{\"cards\":" + nested + "}"},
        }) {
      String message = assertRefused(call(c[0], c[1]), c[0] + " with JSON nested 900 deep");
      assertTrue(message.length() < 2_000, c[0] + ": a short refusal: " + message.length());
    }
    assertEquals(before, snapshot(), "nothing changed");
    assertServerStillAnswers();
  }

  private String assertRefused(JsonNode r, String what) {
    if (r.has("error")) {
      String message = r.at("/error/message").asText();
      assertFalse(message.isBlank(), what + ": " + r);
      return message;
    }
    assertTrue(r.at("/result/isError").asBoolean(), what + " is refused: " + abbreviate(r));
    String text = r.at("/result/content/0/text").asText();
    assertFalse(text.isBlank(), what + ": the refusal says why");
    return text;
  }

  private void assertServerStillAnswers() throws Exception {
    JsonNode stats = call("stats", "{}");
    assertEquals(1, stats.at("/result/structuredContent/total").asInt(), abbreviate(stats));
    JsonNode claimed = call("claim_next", "{}");
    assertEquals(
        "A", claimed.at("/result/structuredContent/card/id").asText(), abbreviate(claimed));
  }

  /** The cards and the event log, to compare before and after. */
  private String snapshot() {
    List<Card> cards = backlog.list(CardQuery.ALL);
    return cards + " " + backlog.events(EventQuery.after(0, 1000));
  }

  private void send(String line) throws Exception {
    toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    toServer.flush();
  }

  private JsonNode answer() throws Exception {
    return JSON.readTree(fromServer.readLine());
  }

  private JsonNode call(String tool, String arguments) throws Exception {
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + nextId++
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + tool
            + "\",\"arguments\":"
            + arguments
            + "}}");
    return answer();
  }

  private static String abbreviate(JsonNode r) {
    String s = r.toString();
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }
}
