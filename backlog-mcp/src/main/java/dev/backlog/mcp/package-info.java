/**
 * The backlog as Model Context Protocol tools, resources and a prompt for coding agents, over stdio
 * ({@link dev.backlog.mcp.BacklogMcp#serveStdio}) or the Streamable HTTP transport ({@link
 * dev.backlog.mcp.BacklogMcpHttp#httpServlet}).
 */
package dev.backlog.mcp;
