package dev.backlog.mcp.internal;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.Implementation;

/**
 * Who made a tool call: the MCP session and the owner its leases get by default.
 *
 * @param session the MCP session id
 * @param owner the client's name from {@code initialize} plus a short session id
 */
record Caller(String session, String owner) {

  /** The longest client name kept in a default owner. */
  static final int MAX_NAME = 100;

  /** The caller of an exchange. */
  static Caller of(McpSyncServerExchange exchange) {
    String session = exchange.sessionId() == null ? "stdio" : exchange.sessionId();
    Implementation client = exchange.getClientInfo();
    String name =
        client == null || client.name() == null || client.name().isBlank()
            ? "mcp-client"
            : client.name().strip();
    if (name.length() > MAX_NAME) {
      name = name.substring(0, MAX_NAME);
    }
    String shortId = session.replace("-", "");
    shortId = shortId.length() > 8 ? shortId.substring(0, 8) : shortId;
    return new Caller(session, name + "-" + shortId);
  }
}
