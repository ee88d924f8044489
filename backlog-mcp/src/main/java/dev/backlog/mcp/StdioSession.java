package dev.backlog.mcp;

import dev.backlog.core.CardId;
import dev.backlog.mcp.internal.EndOfInput;
import dev.backlog.mcp.internal.Features;
import io.modelcontextprotocol.server.McpSyncServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session on a process's stdin and stdout, started by {@link BacklogMcp#stdio}. It ends
 * when the input ends (the client closed the pipe or exited) or when {@link #end} is called (the
 * host is shutting down, e.g. on SIGTERM); then, unless {@link McpOptions#keepLeasesOnExit}, the
 * leases the session still holds are released with reason {@value McpOptions#SESSION_ENDED}.
 *
 * <p>Thread-safe: one thread waits in {@link #awaitEnd}; any thread may call {@link #end} and
 * {@link #awaitReleased}.
 */
public final class StdioSession {

  private static final Logger LOG = LoggerFactory.getLogger(StdioSession.class);

  private final EndOfInput input;
  private final Features features;
  private final McpSyncServer server;
  private final McpOptions options;
  private final CountDownLatch released = new CountDownLatch(1);

  StdioSession(EndOfInput input, Features features, McpSyncServer server, McpOptions options) {
    this.input = input;
    this.features = features;
    this.server = server;
    this.options = options;
  }

  /**
   * Waits until the session ends, then releases its leases (unless they are kept) and closes the
   * MCP server; the backlog stays open.
   *
   * @return the cards released
   * @throws InterruptedException when the waiting thread is interrupted; leases are then kept
   */
  public List<CardId> awaitEnd() throws InterruptedException {
    try {
      input.await();
    } catch (InterruptedException e) {
      close();
      released.countDown();
      throw e;
    }
    try {
      List<CardId> cards = List.of();
      if (options.keepLeasesOnExit()) {
        LOG.info("MCP session ended; leases kept until their TTL");
      } else {
        cards = features.releaseAll();
        LOG.info("MCP session ended; released {} lease(s): {}", cards.size(), cards);
      }
      close();
      return cards;
    } finally {
      released.countDown();
    }
  }

  /** Ends the session now, as if its input had ended. */
  public void end() {
    input.end();
  }

  /**
   * Waits until {@link #awaitEnd} has released the leases (or given up), at most {@code timeout};
   * true when it has.
   */
  public boolean awaitReleased(Duration timeout) throws InterruptedException {
    return released.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void close() {
    try {
      server.closeGracefully();
    } catch (RuntimeException e) {
      LOG.debug("closing the MCP server after the session ended", e);
    }
  }
}
