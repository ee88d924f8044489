package dev.backlog.chaos.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One client of {@code GET /api/events/stream} on a raw socket, as a browser's {@code EventSource}
 * behaves: it starts after seq 0, records every {@code id:} it receives, and when the stream breaks
 * (the server restarted, the connection dropped) it reconnects with {@code Last-Event-ID} set to
 * the last id it saw, over and over, until stopped. The ids it saw, in order, are the evidence:
 * across all its connections they must be gap-free and duplicate-free.
 *
 * <p>Thread-safe: one thread runs it, others read {@link #seen} and stop it.
 */
final class SseSubscriber implements Runnable {

  private final int port;
  private final String token;
  private final List<Long> seen = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private volatile boolean stop;
  private volatile Socket socket;
  private volatile int connections;

  SseSubscriber(int port, String token) {
    this.port = port;
    this.token = token;
  }

  @Override
  public void run() {
    while (!stop) {
      try (Socket s = new Socket()) {
        socket = s;
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        long last = last();
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /api/events/stream"
                    + (last < 0 ? "?after=0" : "")
                    + " HTTP/1.0\r\nHost: 127.0.0.1:"
                    + port
                    + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
                    + token
                    + (last < 0 ? "" : "\r\nLast-Event-ID: " + last)
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        if (status == null) {
          continue;
        }
        if (!status.contains(" 200")) {
          synchronized (this) {
            refusals.add(status);
          }
          pause(500);
          continue;
        }
        connections++;
        String line;
        boolean headers = true;
        while (!stop && (line = in.readLine()) != null) {
          if (headers) {
            headers = !line.isEmpty();
            continue;
          }
          // HTTP/1.0: the body is the stream itself, with no chunked framing
          if (line.startsWith("id:")) {
            long id = Long.parseLong(line.substring(3).strip());
            synchronized (this) {
              seen.add(id);
            }
          }
        }
      } catch (IOException | NumberFormatException e) {
        // the server is away or the stream broke: reconnect, as EventSource does
      }
      if (!stop) {
        pause(200);
      }
    }
  }

  /** The last id seen, or -1. */
  synchronized long last() {
    return seen.isEmpty() ? -1 : seen.get(seen.size() - 1);
  }

  /** Every id seen, in order, over all connections. */
  synchronized List<Long> seen() {
    return List.copyOf(seen);
  }

  /** Status lines of refused connection attempts. */
  synchronized List<String> refusals() {
    return List.copyOf(refusals);
  }

  /** Streams that were answered 200. */
  int connections() {
    return connections;
  }

  /** Stops it and closes its connection. */
  void stop() {
    stop = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
