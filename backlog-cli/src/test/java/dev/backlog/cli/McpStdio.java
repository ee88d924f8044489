package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An MCP client session, through the SDK's own stdio client, against {@code backlog mcp} started
 * from the launcher and the built jar as a separate process, as a coding agent's host starts it.
 */
final class McpStdio implements AutoCloseable {

  static final JacksonMcpJsonMapper MAPPER = new JacksonMcpJsonMapper(new ObjectMapper());

  final McpSyncClient client;

  private McpStdio(McpSyncClient client) {
    this.client = client;
  }

  /**
   * Starts {@code backlog mcp extraArgs…} on the home of {@code cli} and initializes as {@code
   * name}.
   */
  static McpStdio start(CliProcess cli, String name, String... extraArgs) {
    return new McpStdio(client(parameters(cli, extraArgs), name));
  }

  /** The command line and environment that start {@code backlog mcp}. */
  static ServerParameters parameters(CliProcess cli, String... extraArgs) {
    assertTrue(
        Files.isRegularFile(CliProcess.JAR),
        "the runnable jar " + CliProcess.JAR + " must be built (mvn package) first");
    List<String> args = new ArrayList<>(List.of("mcp"));
    args.addAll(List.of(extraArgs));
    return ServerParameters.builder(CliProcess.LAUNCHER.toString())
        .args(args)
        .env(
            Map.of(
                "BACKLOG_HOME",
                cli.home.toString(),
                "BACKLOG_NO_BUILD",
                "1",
                "JAVA_HOME",
                System.getProperty("java.home")))
        .build();
  }

  static McpSyncClient client(ServerParameters parameters, String name) {
    McpSyncClient client =
        McpClient.sync(new StdioClientTransport(parameters, MAPPER))
            .clientInfo(new Implementation(name, "1.0"))
            .requestTimeout(Duration.ofSeconds(30))
            .initializationTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }

  CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
  }

  static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> card(CallToolResult result) {
    return (Map<String, Object>) structured(result).get("card");
  }

  @SuppressWarnings("unchecked")
  static long token(CallToolResult result) {
    return ((Number) ((Map<String, Object>) card(result).get("lease")).get("token")).longValue();
  }

  /** A card argument of create_cards. */
  static Map<String, Object> cardArg(String id, List<String> deps) {
    return Map.of("id", id, "title", "card " + id, "dependsOn", deps);
  }

  /** Ends the session as a host does: SIGTERM to the server, then waits for it to exit. */
  @Override
  public void close() {
    client.closeGracefully();
  }

  /** The path of a test resource. */
  static Path resource(String name) {
    try {
      return Path.of(McpStdio.class.getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
