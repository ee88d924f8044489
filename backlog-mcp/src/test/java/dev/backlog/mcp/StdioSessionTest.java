package dev.backlog.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One stdio session in-process, over pipes, with JSON-RPC lines written by hand: what a broken or
 * vanishing client does to the server.
 */
class StdioSessionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Backlog backlog;
  private OutputStream toServer;
  private BufferedReader fromServer;
  private CompletableFuture<List<CardId>> ended;

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
    StdioSession session = BacklogMcp.stdio(backlog, McpOptions.defaults(), serverIn, serverOut);
    ended =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return session.awaitEnd();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"pipe\",\"version\":\"1\"}}}");
    assertEquals("backlog", answer().at("/result/serverInfo/name").asText());
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  @AfterEach
  void stop() {
    backlog.close();
  }

  private void send(String line) throws Exception {
    toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    toServer.flush();
  }

  private JsonNode answer() throws Exception {
    return JSON.readTree(fromServer.readLine());
  }

  private JsonNode call(int id, String tool, String arguments) throws Exception {
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + id
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + tool
            + "\",\"arguments\":"
            + arguments
            + "}}");
    return answer();
  }

  @Test
  void aLineThatIsNotJsonRpcIsAnsweredWithAnErrorAndTheServerKeepsReading() throws Exception {
    send("this is not json");
    JsonNode error = answer();
    assertEquals(-32700, error.at("/error/code").asInt(), error.toString());
    assertTrue(error.at("/error/message").asText().contains("this is not json"), error.toString());
    send("{\"no\":\"method\"}");
    assertEquals(-32700, answer().at("/error/code").asInt());
    JsonNode stats = call(2, "stats", "{}");
    assertEquals(1, stats.at("/result/structuredContent/total").asInt(), stats.toString());
  }

  @Test
  void whenTheClientClosesThePipeItsLeasesAreReleasedWithTheReason() throws Exception {
    JsonNode claimed = call(2, "claim_next", "{}");
    assertEquals("A", claimed.at("/result/structuredContent/card/id").asText(), claimed.toString());
    assertTrue(
        claimed.at("/result/structuredContent/card/lease/owner").asText().startsWith("pipe-"));
    toServer.close();
    assertEquals(List.of(CardId.of("A")), ended.get(30, TimeUnit.SECONDS));
    assertEquals(CardStatus.READY, backlog.get(CardId.of("A")).status());
    Event released =
        backlog.events(EventQuery.after(0, 100)).stream()
            .filter(e -> e.type() == EventType.RELEASED)
            .findFirst()
            .orElseThrow();
    assertEquals("{\"reason\":\"session ended\"}", released.data());
  }
}
