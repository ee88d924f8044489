package dev.backlog.server.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.Event;
import dev.backlog.core.InvalidInputException;
import dev.backlog.json.JsonContract;
import dev.backlog.server.ServerErrorCode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events/stream}: Server-Sent Events, one per committed backlog event, {@code id} =
 * seq, data = the event in the JSON contract. It starts after the {@code Last-Event-ID} header,
 * else after the {@code after} query parameter, else at the newest event; a comment every {@link
 * #HEARTBEAT} keeps idle connections open. Thread-safe.
 */
public final class EventStream extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

  /** How often an idle stream sends a comment line. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final transient EventHub hub;
  private final int maxStreams;

  /**
   * @param hub the hub the stream follows
   * @param maxStreams how many streams may be open at once; the next one is refused with 503
   */
  public EventStream(EventHub hub, int maxStreams) {
    this.hub = hub;
    this.maxStreams = maxStreams;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (!hub.trySubscribe(maxStreams)) {
      LOG.debug("refused an event stream: {} are open", maxStreams);
      Http.sendError(
          resp,
          new BacklogException(
              ServerErrorCode.TOO_MANY_STREAMS,
              "this server already serves "
                  + maxStreams
                  + " event streams, its limit; close a stream you no longer follow, retry"
                  + " later, or start the server with a higher --max-streams"));
      return;
    }
    try {
      stream(req, resp);
    } finally {
      hub.unsubscribe();
    }
  }

  private void stream(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    long cursor;
    try {
      cursor = start(req);
    } catch (BacklogException e) {
      Http.sendError(resp, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    resp.setStatus(200);
    resp.setContentType("text/event-stream;charset=utf-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.setHeader("X-Accel-Buffering", "no");
    OutputStream out = resp.getOutputStream();
    write(out, "retry: 1000\n: stream after " + cursor + "\n\n");
    try {
      while (!hub.closed()) {
        List<Event> events = hub.next(cursor, 500, HEARTBEAT);
        if (events.isEmpty()) {
          write(out, ": keep-alive\n\n");
          continue;
        }
        StringBuilder chunk = new StringBuilder();
        for (Event e : events) {
          chunk
              .append("id: ")
              .append(e.seq())
              .append("\ndata: ")
              .append(JsonContract.event(e))
              .append("\n\n");
          cursor = e.seq();
        }
        write(out, chunk.toString());
      }
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Closing the stream counter cannot fail; a store failure ends the stream, the client
      // resumes.
    }
  }

  private long start(HttpServletRequest req) throws InterruptedException {
    String last = req.getHeader("Last-Event-ID");
    String after = last != null && !last.isBlank() ? last : req.getParameter("after");
    String field = last != null && !last.isBlank() ? "Last-Event-ID" : "after";
    if (after == null || after.isBlank()) {
      return hub.head(Duration.ofSeconds(30));
    }
    try {
      long seq = Long.parseLong(after.trim());
      if (seq < 0) {
        throw new NumberFormatException();
      }
      return seq;
    } catch (NumberFormatException e) {
      throw InvalidInputException.of(
          field, field + " '" + after + "' is not an event seq; give a number of 0 or more");
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
