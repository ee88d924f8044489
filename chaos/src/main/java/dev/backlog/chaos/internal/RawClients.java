package dev.backlog.chaos.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients that misbehave on raw sockets: one that sends half a body and closes, one that sends a
 * whole claim and closes before reading the answer (its card is claimed for nobody until the lease
 * lapses), and slow ones that dribble a body byte by byte and then stall, which the server's idle
 * timeout must free.
 *
 * <p>Thread-safe.
 */
final class RawClients {

  private final int port;
  private final String token;
  private final FaultStats stats;
  private final Map<Integer, Double> slowHeld = new ConcurrentHashMap<>();

  RawClients(int port, String token, FaultStats stats) {
    this.port = port;
    this.token = token;
    this.stats = stats;
  }

  /** A completion whose body stops halfway, then the socket closes. */
  void dropHalfBody() {
    String body = "{\"token\":123456789,\"padding\":\"" + "x".repeat(200) + "\"}";
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head("POST", "/api/cards/W1/complete", body.length()));
      out.write(body.substring(0, body.length() / 2).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      stats.fault("client dropped mid-body");
    } catch (IOException e) {
      stats.outcome("dropping client could not connect");
    }
  }

  /** A whole claim, and the socket closed before the answer is read. */
  void dropBeforeAnswer(int ttlSeconds) {
    String body = "{\"owner\":\"dropper\",\"ttlSeconds\":" + ttlSeconds + "}";
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head("POST", "/api/claims", body.length()));
      out.write(body.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      stats.fault("client dropped before the answer");
    } catch (IOException e) {
      stats.outcome("dropping client could not connect");
    }
  }

  /**
   * Starts {@code n} clients that each send the head of a 1,000-byte body, dribble ten bytes of it
   * at 100 ms intervals and stall; each records how long the server kept it after its last byte.
   */
  List<Thread> startSlow(int n) {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = i;
      threads.add(CliFleet.start("slow-" + i, () -> slow(id)));
    }
    return threads;
  }

  private void slow(int id) {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head("POST", "/api/claims", 1000));
      out.flush();
      for (int b = 0; b < 10; b++) {
        out.write('{');
        out.flush();
        Thread.sleep(100);
      }
      stats.fault("slow client stalled");
      long stalled = System.nanoTime();
      s.setSoTimeout((int) ServerScenario.IDLE_LIMIT.plusSeconds(20).toMillis());
      InputStream in = s.getInputStream();
      try {
        while (in.read() >= 0) {
          // the server's answer (a 408 or 400), if any, then its close
        }
      } catch (SocketTimeoutException e) {
        slowHeld.put(id, -1.0);
        return;
      } catch (IOException e) {
        // reset by the server: freed all the same
      }
      slowHeld.put(id, (System.nanoTime() - stalled) / 1e9);
    } catch (IOException e) {
      slowHeld.put(id, -2.0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the slow clients; each must have been freed within {@code limit}. */
  List<String> slowOutcome(List<Thread> threads, Duration limit) throws InterruptedException {
    List<String> violations = new ArrayList<>();
    for (Thread t : threads) {
      t.join(limit.plusSeconds(30).toMillis());
    }
    double longest = 0;
    for (int i = 0; i < threads.size(); i++) {
      Double held = slowHeld.get(i);
      if (held != null && held == -2.0) {
        stats.outcome("slow client could not connect");
      } else if (held == null || held == -1.0 || held > limit.toSeconds()) {
        violations.add(
            "slow client "
                + i
                + " was not freed by the server's idle timeout within "
                + limit.toSeconds()
                + " s"
                + (held == null || held < 0 ? "" : " (" + Math.round(held) + " s)"));
      } else {
        longest = Math.max(longest, held);
      }
    }
    stats.outcome("slow clients freed after at most " + Math.round(longest) + " s");
    return violations;
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    return s;
  }

  private byte[] head(String method, String path, int length) {
    return (method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
