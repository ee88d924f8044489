package dev.backlog.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of the test PostgreSQL server. It counts the server's ReadyForQuery
 * messages (one per round trip), and it can lose an answer: the next piece of the server's output
 * that holds a given text is dropped and that connection's sockets are closed, as a network failure
 * would lose it. The server has then run the statement and, for an answer of a few kilobytes (which
 * the server sends in one piece at its ReadyForQuery), committed it.
 *
 * <p>Thread-safe.
 */
final class PgProxy implements AutoCloseable {

  private final ServerSocket server;
  private final String url;
  private final AtomicLong ready = new AtomicLong();
  private final AtomicReference<byte[]> lose = new AtomicReference<>();
  private final AtomicInteger lost = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean keepServerSide;

  /** The server sides of lost answers kept open ({@link #loseAnswerKeepingTheServerSide}). */
  private final List<Socket> kept = new CopyOnWriteArrayList<>();

  /** A proxy to the server of {@code url} (a {@link TestPostgres} URL). */
  PgProxy(String url) throws IOException {
    Matcher m = Pattern.compile("//([^:/]+):(\\d+)/").matcher(url);
    if (!m.find()) {
      throw new IllegalArgumentException("no host and port in " + url);
    }
    String host = m.group(1);
    int port = Integer.parseInt(m.group(2));
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.url =
        url.substring(0, m.start())
            + "//127.0.0.1:"
            + server.getLocalPort()
            + "/"
            + url.substring(m.end())
            + "&sslmode=disable&gssEncMode=disable";
    Thread accept =
        new Thread(
            () -> {
              try {
                while (true) {
                  Socket client = server.accept();
                  Socket upstream = new Socket(host, port);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream, false);
                  pump(upstream, client, true);
                }
              } catch (IOException closed) {
                // The proxy was closed.
              }
            },
            "pg-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** The JDBC URL through the proxy. */
  String url() {
    return url;
  }

  /** How many ReadyForQuery messages the server sent so far. */
  long readyForQuery() {
    return ready.get();
  }

  /** Loses the next piece of the server's output that holds {@code text} (UTF-8). */
  void loseAnswerHolding(String text) {
    keepServerSide = false;
    lose.set(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Loses the next piece of the server's output that holds {@code text} (UTF-8) as a network
   * partition would: the client's side of that connection is closed, but the server's stays open
   * and silent (until the proxy closes), so the server process waits for its client, idle.
   */
  void loseAnswerKeepingTheServerSide(String text) {
    keepServerSide = true;
    lose.set(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Breaks every connection open now, as a network failure would; new ones still get through. */
  void breakConnections() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  /** How many answers were lost. */
  int lost() {
    return lost.get();
  }

  /** Copies {@code from} to {@code to}; from the server, counts 'Z' messages and loses answers. */
  private void pump(Socket from, Socket to, boolean fromServer) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65536];
              // Message framing: a type byte, then a 4-byte length that counts itself.
              int header = 0;
              long length = 0;
              long remaining = 0;
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                  if (fromServer) {
                    byte[] text = lose.get();
                    if (text != null && holds(buf, n, text) && lose.compareAndSet(text, null)) {
                      lost.incrementAndGet();
                      if (keepServerSide) {
                        // The other pump must not close it when it sees the client gone.
                        kept.add(from);
                      } else {
                        from.close();
                      }
                      to.close();
                      return;
                    }
                  }
                  for (int i = 0; fromServer && i < n; i++) {
                    if (remaining > 0) {
                      remaining--;
                    } else if (header == 0) {
                      if (buf[i] == 'Z') {
                        ready.incrementAndGet();
                      }
                      header = 1;
                      length = 0;
                    } else {
                      length = (length << 8) | (buf[i] & 0xff);
                      if (++header == 5) {
                        header = 0;
                        remaining = length - 4;
                      }
                    }
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException closed) {
                // Either side closed.
              } finally {
                try {
                  if (!kept.contains(to)) {
                    to.close();
                  }
                } catch (IOException ignored) {
                  // Already closed.
                }
              }
            },
            "pg-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static boolean holds(byte[] buf, int n, byte[] text) {
    outer:
    for (int i = 0; i + text.length <= n; i++) {
      for (int j = 0; j < text.length; j++) {
        if (buf[i + j] != text[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    for (Socket s : kept) {
      s.close();
    }
  }
}
