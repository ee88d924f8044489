package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backlog serve} and {@code backlog demo --serve} as real processes. */
class ServeIT {

  private final HttpClient http = HttpClient.newHttpClient();

  /** Waits for the first stdout line of a started process. */
  private static String firstLine(CliProcess.Started started) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String out = Files.readString(started.out(), StandardCharsets.UTF_8);
      int nl = out.indexOf('\n');
      if (nl > 0) {
        return out.substring(0, nl);
      }
      if (!started.process().isAlive()) {
        throw new AssertionError(
            "exited " + started.process().exitValue() + ": " + Files.readString(started.err()));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no first line within 60 s");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void serveAnswersTheApiWithItsTokenAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    CliProcess cli = new CliProcess(dir);
    String token = "cli-token-0123456789abcdef";
    Files.writeString(cli.workDir.resolve("token.txt"), token + "\n");
    CliProcess.Started started =
        cli.start("--json", "serve", "--port", "0", "--token-file", "token.txt");
    String line = firstLine(started);
    JsonNode first = CliProcess.JSON.readTree(line);
    String url = first.get("url").asText();
    assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), line);
    assertFalse(line.contains(token));
    assertEquals(401, send(HttpRequest.newBuilder(URI.create(url + "/api/stats"))).statusCode());
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(URI.create(url + "/api/cards"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"S1\",\"title\":\"served\"}")));
    assertEquals(201, created.statusCode(), created.body());
    started.process().destroy(); // SIGTERM
    assertTrue(started.process().waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    String err = Files.readString(started.err(), StandardCharsets.UTF_8);
    assertFalse(err.contains(token), "the token leaked to stderr: " + err);
    // The store was closed: another process opens it and sees the card.
    CliProcess.Result show = cli.run("--json", "show", "S1");
    assertEquals(0, show.exit(), show.toString());
    assertEquals("served", show.json().get("title").asText());
  }

  private static McpSyncClient mcpClient(String url, String token) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(url)
            .endpoint("/mcp")
            .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
            .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
            .build();
    McpSyncClient client =
        McpClient.sync(transport)
            .clientInfo(new Implementation("http-agent", "1.0"))
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    client.initialize();
    return client;
  }

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> card(CallToolResult result) {
    return (Map<String, Object>) ((Map<String, Object>) result.structuredContent()).get("card");
  }

  @Test
  void serveAnswersTheMcpToolsAtSlashMcpBehindItsToken(@TempDir Path dir) throws Exception {
    CliProcess cli = new CliProcess(dir);
    String token = "mcp-token-0123456789abcdef";
    Files.writeString(cli.workDir.resolve("token.txt"), token);
    CliProcess.Started started =
        cli.start("--json", "serve", "--port", "0", "--token-file", "token.txt");
    String url = CliProcess.JSON.readTree(firstLine(started)).get("url").asText();
    try {
      String initialize =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
              + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
              + "\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}";
      HttpResponse<String> anonymous =
          send(
              HttpRequest.newBuilder(URI.create(url + "/mcp"))
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json, text/event-stream")
                  .POST(HttpRequest.BodyPublishers.ofString(initialize)));
      assertEquals(401, anonymous.statusCode(), anonymous.body());
      HttpResponse<String> foreign =
          send(
              HttpRequest.newBuilder(URI.create(url + "/mcp"))
                  .header("Authorization", "Bearer " + token)
                  .header("Origin", "http://evil.example")
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json, text/event-stream")
                  .POST(HttpRequest.BodyPublishers.ofString(initialize)));
      assertEquals(403, foreign.statusCode(), foreign.body());

      McpSyncClient client = mcpClient(url, token);
      try {
        List<String> names = client.listTools().tools().stream().map(Tool::name).toList();
        assertEquals(9, names.size(), names.toString());
        CallToolResult created =
            client.callTool(
                new CallToolRequest(
                    "create_cards",
                    Map.of(
                        "cards",
                        List.of(
                            Map.of("id", "B", "title", "b", "dependsOn", List.of("A")),
                            Map.of("id", "A", "title", "a")))));
        assertFalse(created.isError(), text(created));
        CallToolResult claimed =
            client.callTool(new CallToolRequest("claim_next", Map.of("ttlSeconds", 60)));
        assertEquals("A", card(claimed).get("id"), text(claimed));
        @SuppressWarnings("unchecked")
        Map<String, Object> lease = (Map<String, Object>) card(claimed).get("lease");
        long leaseToken = ((Number) lease.get("token")).longValue();
        assertTrue(((String) lease.get("owner")).startsWith("http-agent-"), lease.toString());
        CallToolResult stale =
            client.callTool(
                new CallToolRequest("complete", Map.of("id", "A", "token", leaseToken + 1)));
        assertTrue(stale.isError(), text(stale));
        CallToolResult done =
            client.callTool(
                new CallToolRequest("complete", Map.of("id", "A", "token", leaseToken)));
        assertFalse(done.isError(), text(done));
        assertEquals("completed A; now claimable: B", text(done));
      } finally {
        client.closeGracefully();
      }
      // The same card through the JSON API: one store behind both.
      HttpResponse<String> shown =
          send(
              HttpRequest.newBuilder(URI.create(url + "/api/cards/A"))
                  .header("Authorization", "Bearer " + token));
      assertEquals("done", CliProcess.JSON.readTree(shown.body()).get("status").asText());
    } finally {
      started.process().destroy();
      assertTrue(started.process().waitFor(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aNonLoopbackBindWithoutATokenIsRefusedWithExit2(@TempDir Path dir) {
    CliProcess.Result r = new CliProcess(dir).run("serve", "--bind", "0.0.0.0", "--port", "0");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("--token-file"), r.err());
  }

  @Test
  void aStreamLimitBelowOneIsRefusedWithExit2(@TempDir Path dir) {
    CliProcess.Result r = new CliProcess(dir).run("serve", "--port", "0", "--max-streams", "0");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("maxStreams 0"), r.err());
  }

  @Test
  void demoServeShowsTheBoardWhileTheFleetBurnsThePlanDown(@TempDir Path dir) throws Exception {
    CliProcess cli = new CliProcess(dir);
    CliProcess.Started started = cli.start("--json", "demo", "--serve", "--port", "0");
    String url = CliProcess.JSON.readTree(firstLine(started)).get("url").asText();
    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(url + "/")));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("backlog board"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int done = 0;
    while (System.nanoTime() < deadline && done < 14) {
      JsonNode stats =
          CliProcess.JSON.readTree(
              send(HttpRequest.newBuilder(URI.create(url + "/api/stats"))).body());
      done = stats.get("counts").get("done").asInt();
      Thread.sleep(200);
    }
    assertEquals(14, done, "the demo did not finish its plan");
    Thread.sleep(500);
    assertTrue(started.process().isAlive(), "demo --serve should wait for Ctrl-C after the plan");
    started.process().destroy();
    assertTrue(started.process().waitFor(30, TimeUnit.SECONDS));
    try {
      send(HttpRequest.newBuilder(URI.create(url + "/api/stats")));
      throw new AssertionError("the board still answers after SIGTERM");
    } catch (IOException expected) {
      // connection refused: the server stopped
    }
  }
}
