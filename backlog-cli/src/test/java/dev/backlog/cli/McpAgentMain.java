package dev.backlog.cli;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;

/**
 * A stand-in coding agent for {@link McpIT}: starts {@code backlog mcp} through the SDK's stdio
 * client, claims one card, prints {@code claimed <token>} and then works forever, until the test
 * kills it.
 *
 * <p>Arguments: the launcher, the backlog home, the card id.
 */
public final class McpAgentMain {

  private McpAgentMain() {}

  public static void main(String[] args) throws InterruptedException {
    ServerParameters parameters =
        ServerParameters.builder(args[0])
            .args(List.of("mcp"))
            .env(
                Map.of(
                    "BACKLOG_HOME",
                    args[1],
                    "BACKLOG_NO_BUILD",
                    "1",
                    "JAVA_HOME",
                    System.getProperty("java.home")))
            .build();
    McpSyncClient client = McpStdio.client(parameters, "killed-agent");
    CallToolResult claimed =
        client.callTool(
            new CallToolRequest("claim_next", Map.of("id", args[2], "ttlSeconds", 600)));
    if (claimed.isError() || McpStdio.card(claimed) == null) {
      System.out.println("could not claim: " + McpStdio.text(claimed));
      System.exit(1);
    }
    System.out.println("claimed " + McpStdio.token(claimed));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
