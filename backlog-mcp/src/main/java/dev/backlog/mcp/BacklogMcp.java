package dev.backlog.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.mcp.internal.EndOfInput;
import dev.backlog.mcp.internal.Features;
import dev.backlog.mcp.internal.SessionLeases;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog as a Model Context Protocol server: nine tools (claim_next, heartbeat, complete,
 * release, fail, create_cards, show_card, list_cards, stats), the resources {@code backlog://stats}
 * and {@code backlog://cards/{id}}, and the prompt {@code work-loop}, over stdio or the Streamable
 * HTTP transport ({@link BacklogMcpHttp}). The backlog is used as any host uses it; the caller
 * opens and closes it.
 *
 * <p>Stateless; every server it builds is thread-safe.
 */
public final class BacklogMcp {

  private static final Logger LOG = LoggerFactory.getLogger(BacklogMcp.class);

  /** The server's name in {@code initialize}. */
  public static final String SERVER_NAME = "backlog";

  private BacklogMcp() {}

  /**
   * Serves one MCP session on {@code in}/{@code out} (a process's stdin and stdout) until the input
   * ends: the client closed the pipe or exited. Then, unless {@link McpOptions#keepLeasesOnExit},
   * releases every lease the session still holds with reason {@value McpOptions#SESSION_ENDED}
   * (each a {@code released} event), and returns.
   *
   * @return the cards released as the session ended
   * @throws InterruptedException when the waiting thread is interrupted; leases are then kept
   */
  public static List<CardId> serveStdio(
      Backlog backlog, McpOptions options, InputStream in, OutputStream out)
      throws InterruptedException {
    return stdio(backlog, options, in, out).awaitEnd();
  }

  /**
   * Starts one MCP session on {@code in}/{@code out} and returns at once; the host waits with
   * {@link StdioSession#awaitEnd} and may end it early with {@link StdioSession#end} (from a
   * shutdown hook, say).
   */
  public static StdioSession stdio(
      Backlog backlog, McpOptions options, InputStream in, OutputStream out) {
    Objects.requireNonNull(backlog, "backlog");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    EndOfInput input = new EndOfInput(in, out, mapper);
    Features features = new Features(backlog, options, SessionLeases.tracked());
    StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper, input, out);
    McpSyncServer server =
        features
            .addTo(McpServer.sync(transport).serverInfo(SERVER_NAME, version()).jsonMapper(mapper))
            .build();
    LOG.info("MCP server on stdio started");
    return new StdioSession(input, features, server, options);
  }

  /** The implementation version of this jar, or "development". */
  public static String version() {
    String v = BacklogMcp.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
