package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Counts the PostgreSQL protocol's round trips of a single-card claim and completion through a
 * loopback proxy that counts the server's ReadyForQuery messages: a transaction of one statement
 * takes three (the {@code BEGIN} pgjdbc sends ahead of the statement, the statement, the commit),
 * of which the first two share one wait, since pgjdbc writes the {@code BEGIN} and the statement
 * together; a fourth means the driver sent the {@code BEGIN} in a round trip of its own, waiting
 * for it alone, which it does for a statement it has described (as it does when a parameter's type
 * is left open) that returns text.
 */
class PostgresRoundTripsTest {

  @Test
  void aSingleCardClaimAndCompletionTakeThreeRoundTripsEach() throws Exception {
    String url = TestPostgres.freshSchemaUrl();
    Matcher m = Pattern.compile("//([^:/]+):(\\d+)/").matcher(url);
    assertTrue(m.find(), url);
    try (Proxy proxy = new Proxy(m.group(1), Integer.parseInt(m.group(2)))) {
      String proxied =
          url.substring(0, m.start())
              + "//127.0.0.1:"
              + proxy.port()
              + "/"
              + url.substring(m.end())
              + "&sslmode=disable&gssEncMode=disable";
      try (Backlog backlog =
          Backlog.builder()
              .store(JdbcBacklogStore.builder().url(proxied).maxPoolSize(1).build())
              .coalescing(false)
              .build()) {
        for (int i = 0; i < 30; i++) {
          backlog.create(NewCard.builder("c" + i).title("card " + i).build());
        }
        ClaimRequest request = ClaimRequest.builder("w").ttl(Duration.ofMinutes(5)).build();
        // Enough runs for the driver to prepare the statements on the server (after five).
        for (int i = 0; i < 10; i++) {
          Claim c = backlog.claim(request).get(0);
          backlog.complete(c.card().id(), c.token());
        }
        long before = proxy.readyForQuery();
        Claim c = backlog.claim(request).get(0);
        long afterClaim = proxy.readyForQuery();
        backlog.complete(c.card().id(), c.token());
        long afterComplete = proxy.readyForQuery();
        assertEquals(3, afterClaim - before, "round trips of a claim");
        assertEquals(3, afterComplete - afterClaim, "round trips of a completion");
      }
    }
  }

  /** A loopback TCP proxy to the server that counts the server's ReadyForQuery ('Z') messages. */
  private static final class Proxy implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong ready = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Proxy(String host, int port) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(host, port);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client.getInputStream(), upstream.getOutputStream(), false);
                    pump(upstream.getInputStream(), client.getOutputStream(), true);
                  }
                } catch (IOException closed) {
                  // The proxy was closed.
                }
              },
              "round-trip-proxy");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    long readyForQuery() {
      return ready.get();
    }

    /** Copies {@code in} to {@code out}; from the server, counts 'Z' messages before forwarding. */
    private void pump(InputStream in, OutputStream out, boolean fromServer) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[65536];
                // Message framing: a type byte, then a 4-byte length that counts itself.
                int header = 0;
                long length = 0;
                long remaining = 0;
                try {
                  int n;
                  while ((n = in.read(buf)) > 0) {
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
                }
              },
              "round-trip-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
