/** The tools' arguments, handlers and results, and the leases each MCP session holds. */
package dev.backlog.mcp.internal;
