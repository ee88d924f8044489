package dev.backlog.cli.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.InvalidInputException;
import dev.backlog.json.JsonContract;
import dev.backlog.mcp.BacklogMcpHttp;
import dev.backlog.mcp.McpOptions;
import dev.backlog.server.BacklogServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: one long-lived process owns the store and serves it over HTTP (the JSON API, the
 * event stream and the board) until SIGTERM or SIGINT.
 */
@Command(
    name = "serve",
    description = {
      "Serve the backlog over HTTP until SIGTERM or Ctrl-C.",
      "The JSON API (docs/server.md), an event stream, a live board and, unless --read-only, the"
          + " MCP tools over Streamable HTTP at /mcp (docs/mcp.md).",
      "Prints 'listening on http://HOST:PORT' (with --json: {\"url\":...}) as its first line."
          + " SIGTERM or Ctrl-C let in-flight requests finish, end event streams and close the"
          + " store."
    })
final class ServeCommand extends BacklogCommand {

  /** Pool connections for the server: request threads wait for a connection beyond this. */
  static final int POOL_SIZE = 16;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = BacklogServer.DEFAULT_BIND,
      description =
          "Address to listen on (default ${DEFAULT-VALUE}); a non-loopback one needs --token-file.")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "" + BacklogServer.DEFAULT_PORT,
      description = "Port (default ${DEFAULT-VALUE}; 0 picks any free port).")
  int port;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File holding the bearer token every API request must carry.")
  Path tokenFile;

  @Option(
      names = "--max-streams",
      paramLabel = "N",
      defaultValue = "" + BacklogServer.DEFAULT_MAX_STREAMS,
      description =
          "Most event streams open at once (default ${DEFAULT-VALUE}); the next gets 503.")
  int maxStreams;

  @Option(
      names = "--read-only",
      description = "Refuse every write with 403 (and serve no /mcp, whose tools write).")
  boolean readOnly;

  @Override
  int run(Context ctx) throws Exception {
    String token = tokenFile == null ? null : readToken(ctx.workingDir().resolve(tokenFile));
    Backlog backlog = ctx.open(ctx.settings(), POOL_SIZE, false);
    BacklogServer server;
    try {
      BacklogServer.Builder builder =
          BacklogServer.builder(backlog)
              .bind(bind)
              .port(port)
              .token(token)
              .readOnly(readOnly)
              .maxStreams(maxStreams);
      if (!readOnly) {
        // Behind the server's token, Host and Origin rules; HTTP sessions keep their leases to TTL.
        builder.servlet(
            BacklogMcpHttp.DEFAULT_ENDPOINT,
            BacklogMcpHttp.httpServlet(backlog, McpOptions.defaults()));
      }
      server = builder.build().start();
    } catch (RuntimeException e) {
      backlog.close();
      throw e;
    }
    CountDownLatch stopped = stopOnSignal(server, backlog, "backlog-serve-stop");
    printUrl(ctx, server.url());
    if (!ctx.json()) {
      ctx.out()
          .println(
              "serving "
                  + ctx.settings().displayUrl()
                  + (token == null ? "" : " (token required)")
                  + (readOnly ? " (read-only)" : "")
                  + "; board at "
                  + server.url()
                  + "/"
                  + (readOnly ? "" : " ; MCP at " + server.url() + BacklogMcpHttp.DEFAULT_ENDPOINT)
                  + " ; Ctrl-C stops");
      ctx.out().flush();
    }
    stopped.await();
    return 0;
  }

  /**
   * Registers a shutdown hook (SIGTERM, SIGINT) that stops the server, letting in-flight requests
   * finish, and then closes the store; the returned latch opens when both are done.
   */
  static CountDownLatch stopOnSignal(BacklogServer server, Backlog backlog, String threadName) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } finally {
                    backlog.close();
                    stopped.countDown();
                  }
                },
                threadName));
    return stopped;
  }

  static void printUrl(Context ctx, String url) {
    ctx.out()
        .println(
            ctx.json()
                ? JsonContract.render(
                    g -> {
                      g.writeStartObject();
                      g.writeStringField("url", url);
                      g.writeEndObject();
                    })
                : "listening on " + url);
    ctx.out().flush();
  }

  /** The token in the file, trimmed; refuses a missing, unreadable or empty file. */
  static String readToken(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw InvalidInputException.of(
          "token-file",
          "--token-file "
              + file
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); give a readable file holding the token");
    }
    if (text.isEmpty()) {
      throw InvalidInputException.of(
          "token-file", "--token-file " + file + " is empty; write the token into it");
    }
    return text;
  }
}
