package dev.backlog.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.mcp.internal.Features;
import dev.backlog.mcp.internal.SessionLeases;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.util.Objects;

/**
 * The MCP server of {@link BacklogMcp} over the Streamable HTTP transport, as a servlet for a
 * Jakarta Servlet 6 container (Jetty 12 ee10, say). Kept apart from {@link BacklogMcp} so that a
 * stdio-only host needs no servlet API on its class path.
 *
 * <p>Stateless; every servlet it builds is thread-safe.
 */
public final class BacklogMcpHttp {

  /** The path the HTTP servlet answers on, unless another is given. */
  public static final String DEFAULT_ENDPOINT = "/mcp";

  private BacklogMcpHttp() {}

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
    Features features = new Features(backlog, options, SessionLeases.untracked());
    McpSyncServer server =
        features
            .addTo(
                McpServer.sync(transport)
                    .serverInfo(BacklogMcp.SERVER_NAME, BacklogMcp.version())
                    .jsonMapper(mapper))
            .build();
    return new McpHttpServlet(transport, server);
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
