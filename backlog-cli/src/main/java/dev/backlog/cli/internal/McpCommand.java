package dev.backlog.cli.internal;

import dev.backlog.core.CardId;
import dev.backlog.json.JsonContract;
import dev.backlog.mcp.BacklogMcp;
import dev.backlog.mcp.McpOptions;
import dev.backlog.mcp.StdioSession;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mcp}: the backlog as Model Context Protocol tools on stdin/stdout. */
@Command(
    name = "mcp",
    description = {
      "Serve the backlog's MCP tools (docs/mcp.md) to a coding agent on stdin/stdout.",
      "Runs until the agent closes the pipe or exits; then its leases are released (reason"
          + " \"session ended\") unless --keep-leases-on-exit. Logs go to stderr; with --json the"
          + " closing summary on stderr is {\"released\":[...]}."
    })
final class McpCommand extends BacklogCommand {

  /** How long a signalled stop may take to release the leases and close the store. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /** The exit code when the grace period runs out (128 + SIGTERM). */
  static final int EXIT_ON_SIGNAL = 143;

  @Option(
      names = "--owner",
      paramLabel = "O",
      description =
          "Lease owner for every claim (default: the client's name plus a short session id).")
  String owner;

  @Option(
      names = "--keep-leases-on-exit",
      description = "Keep the session's leases until their TTL when it ends.")
  boolean keepLeasesOnExit;

  @Option(
      names = "--ttl",
      paramLabel = "SEC",
      defaultValue = "900",
      converter = SecondsConverter.class,
      description =
          "Lease length when a call gives no ttlSeconds: seconds, or 90s, 30m, 2h, 1d (default"
              + " ${DEFAULT-VALUE}).")
  long ttl;

  @Override
  int run(Context ctx) throws InterruptedException {
    McpOptions options = new McpOptions(owner, keepLeasesOnExit, Duration.ofSeconds(ttl));
    // A session may last hours and shares the store with other processes: the long-running open.
    StdioSession session = BacklogMcp.stdio(ctx.backlog(), options, System.in, ctx.out());
    // Hosts often stop a server with SIGTERM rather than by closing its stdin: end the session
    // then too, release its leases and close the store in order, then exit. Should that take too
    // long, exit anyway.
    Termination.onSignal(
        () -> {
          session.end();
          Thread watchdog =
              new Thread(
                  () -> {
                    try {
                      Thread.sleep(SHUTDOWN_GRACE.toMillis());
                    } catch (InterruptedException e) {
                      return;
                    }
                    Runtime.getRuntime().halt(EXIT_ON_SIGNAL);
                  },
                  "backlog-mcp-watchdog");
          watchdog.setDaemon(true);
          watchdog.start();
        });
    List<CardId> released = session.awaitEnd();
    String summary =
        ctx.json()
            ? JsonContract.idList("released", released)
            : "backlog mcp: session ended"
                + (keepLeasesOnExit
                    ? "; leases kept until their TTL"
                    : released.isEmpty()
                        ? "; no lease to release"
                        : "; released " + Human.ids(released));
    ctx.err().println(summary);
    ctx.err().flush();
    return 0;
  }
}
