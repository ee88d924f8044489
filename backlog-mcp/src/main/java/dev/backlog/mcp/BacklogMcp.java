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
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
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
 * HTTP transport. The backlog is used as any host uses it; the caller opens and closes it.
 *
 * <p>Stateless; every server it builds is thread-safe.
 */
public final class BacklogMcp {

  private static final Logger LOG = LoggerFactory.getLogger(BacklogMcp.class);

  /** The server's name in {@code initialize}. */
  public static final String SERVER_NAME = "backlog";

  /** The path the HTTP servlet answers on, unless another is given. */
  public static final String DEFAULT_ENDPOINT = "/mcp";

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
    Objects.requireNonNull(backlog, "backlog");
    Objects.requireNonNull(options, "options");
    EndOfInput input = new EndOfInput(in);
    SessionLeases leases = new SessionLeases();
    Features features = new Features(backlog, options, leases);
    JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper, input, out);
    McpSyncServer server =
        features
            .addTo(McpServer.sync(transport).serverInfo(SERVER_NAME, version()).jsonMapper(mapper))
            .build();
    LOG.info("MCP server on stdio started");
    try {
      input.await();
    } catch (InterruptedException e) {
      close(server);
      throw e;
    }
    List<CardId> released = List.of();
    if (options.keepLeasesOnExit()) {
      LOG.info("MCP session ended; leases kept until their TTL (--keep-leases-on-exit)");
    } else {
      released = features.releaseAll();
      LOG.info("MCP session ended; released {} lease(s): {}", released.size(), released);
    }
    close(server);
    return released;
  }

  private static void close(McpSyncServer server) {
    try {
      server.closeGracefully();
    } catch (RuntimeException e) {
      LOG.debug("closing the MCP server after the session ended", e);
    }
  }

  /**
   * A servlet for the Streamable HTTP transport, answering on {@value #DEFAULT_ENDPOINT}. Each HTTP
   * session's leases are kept until their TTL when the session disappears (an HTTP client may come
   * back; the TTL is what frees its cards). Mount it behind the host's own authentication and
   * origin rules. Destroying the servlet closes the MCP server, not the backlog.
   */
  public static HttpServlet httpServlet(Backlog backlog, McpOptions options) {
    return httpServlet(backlog, options, DEFAULT_ENDPOINT);
  }

  /**
   * As {@link #httpServlet(Backlog, McpOptions)}, answering on request paths ending in {@code
   * endpoint}.
   */
  public static HttpServlet httpServlet(Backlog backlog, McpOptions options, String endpoint) {
    Objects.requireNonNull(backlog, "backlog");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(endpoint, "endpoint");
    JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(mapper)
            .mcpEndpoint(endpoint)
            .build();
    Features features = new Features(backlog, options, new SessionLeases());
    McpSyncServer server =
        features
            .addTo(McpServer.sync(transport).serverInfo(SERVER_NAME, version()).jsonMapper(mapper))
            .build();
    return new McpHttpServlet(transport, server);
  }

  /** The implementation version of this jar, or "development". */
  static String version() {
    String v = BacklogMcp.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  /** The SDK's servlet, plus closing the MCP server when the container destroys it. */
  private static final class McpHttpServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient HttpServletStreamableServerTransportProvider transport;
    private final transient McpSyncServer server;

    McpHttpServlet(HttpServletStreamableServerTransportProvider transport, McpSyncServer server) {
      this.transport = transport;
      this.server = server;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
      super.init(config);
      transport.init(config);
    }

    @Override
    public void service(ServletRequest request, ServletResponse response)
        throws ServletException, IOException {
      transport.service(request, response);
    }

    @Override
    public void destroy() {
      try {
        server.closeGracefully();
      } finally {
        transport.destroy();
      }
    }
  }
}
