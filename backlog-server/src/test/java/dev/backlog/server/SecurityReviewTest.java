package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardQuery;
import dev.backlog.core.InvalidInputException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The security review's rules (issue #20), one test each: the token, {@code Origin}, {@code Host}
 * (DNS rebinding), body bounds, paths outside the board's assets, the cap on event streams, plus
 * read-only, the bind rule, idle connections and mounted servlets. Every refusal is checked to
 * change nothing.
 */
class SecurityReviewTest {

  static final String TOKEN = "s3cret-token-0123456789";

  /** A host servlet that echoes the length of the body it read. */
  static final class Echo extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      byte[] body = req.getInputStream().readAllBytes();
      resp.setContentType("text/plain");
      resp.getWriter().write("echo " + body.length);
    }
  }

  /** A host servlet that answers asynchronously, as a streaming transport does. */
  static final class AsyncEcho extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      byte[] body = req.getInputStream().readAllBytes();
      jakarta.servlet.AsyncContext async = req.startAsync();
      async.start(
          () -> {
            try {
              resp.setContentType("text/plain");
              resp.getWriter().write("async " + body.length);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            async.complete();
          });
    }
  }

  @Test
  void aMountedServletMayAnswerAsynchronously() {
    try (Served s = new Served(b -> b.token(TOKEN).servlet("/stream", new AsyncEcho()))) {
      assertEquals(401, s.post("/stream", "hi").status());
      s.token = TOKEN;
      Served.Reply ok = s.post("/stream", "hi");
      assertEquals(200, ok.status(), ok.toString());
      assertEquals("async 2", ok.body());
    }
  }

  @Test
  void withATokenEveryApiRequestNeedsItButTheBoardPageDoesNot() {
    try (Served s = new Served(b -> b.token(TOKEN))) {
      Served.Reply none = s.get("/api/stats");
      assertEquals(401, none.status());
      assertEquals("UNAUTHORIZED", none.errorCode());
      assertEquals("refused", none.json().at("/error/category").asText());
      assertTrue(none.headers().containsKey("www-authenticate"));
      s.token = "wrong-token-0123456789";
      Served.Reply wrong = s.post("/api/cards", "{\"id\":\"A\",\"title\":\"a\"}");
      assertEquals(401, wrong.status());
      assertFalse(wrong.body().contains(TOKEN), "the error shows the token");
      assertFalse(wrong.body().contains("wrong-token"), "the error shows the given token");
      assertFalse(
          wrong.headers().toString().contains("wrong-token")
              || wrong.headers().toString().contains(TOKEN),
          "a header shows a token");
      assertEquals(0, s.backlog.list(CardQuery.ALL).size(), "a refused request wrote");
      s.token = TOKEN;
      assertEquals(200, s.get("/api/stats").status());
      assertEquals(201, s.post("/api/cards", "{\"id\":\"A\",\"title\":\"a\"}").status());
      s.token = null;
      Served.Reply page = s.get("/");
      assertEquals(200, page.status());
      assertTrue(page.body().contains("<html"), page.body());
      assertEquals(401, s.get("/api/events/stream").status());
      assertFalse(s.server.toString().contains(TOKEN));
    }
  }

  @Test
  void aRequestNamingAForeignHostIsRefused() throws IOException {
    try (Served s = new Served()) {
      String evil =
          s.raw(
              "GET /api/stats HTTP/1.1\r\nHost: rebind.example:"
                  + s.server.port()
                  + "\r\nConnection: close\r\n\r\n");
      assertTrue(evil.startsWith("HTTP/1.1 403"), evil);
      assertTrue(evil.contains("FORBIDDEN"), evil);
      String local =
          s.raw(
              "GET /api/stats HTTP/1.1\r\nHost: localhost:"
                  + s.server.port()
                  + "\r\nConnection: close\r\n\r\n");
      assertTrue(local.startsWith("HTTP/1.1 200"), local);
      String post =
          s.raw(
              "POST /api/cards HTTP/1.1\r\nHost: rebind.example\r\nContent-Length: 25\r\nConnection: close\r\n\r\n"
                  + "{\"id\":\"A\",\"title\":\"a\"}  ");
      assertTrue(post.startsWith("HTTP/1.1 403"), post);
      assertEquals(0, s.backlog.list(CardQuery.ALL).size());
    }
  }

  @Test
  void aWriteFromAForeignOriginIsRefusedAndChangesNothing() {
    try (Served s = new Served()) {
      Served.Reply foreign =
          s.send(
              s.request("/api/cards")
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"A\",\"title\":\"a\"}"))
                  .build());
      assertEquals(403, foreign.status());
      assertEquals("FORBIDDEN", foreign.errorCode());
      assertEquals("refused", foreign.json().at("/error/category").asText());
      assertEquals(0, s.backlog.list(CardQuery.ALL).size());
      Served.Reply crossSite =
          s.send(
              s.request("/api/cards")
                  .header("Sec-Fetch-Site", "cross-site")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"A\",\"title\":\"a\"}"))
                  .build());
      assertEquals(403, crossSite.status());
      Served.Reply own =
          s.send(
              s.request("/api/cards")
                  .header("Origin", s.server.url())
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"A\",\"title\":\"a\"}"))
                  .build());
      assertEquals(201, own.status(), own.toString());
      Served.Reply read =
          s.send(s.request("/api/cards").header("Origin", "http://evil.example").GET().build());
      assertEquals(200, read.status());
      assertFalse(read.headers().containsKey("access-control-allow-origin"));
    }
  }

  @Test
  void aReadOnlyServerRefusesEveryWriteWith403() {
    try (Served s = new Served(b -> b.readOnly(true))) {
      s.backlog.create(dev.backlog.core.NewCard.builder("A").title("a").build());
      for (String path :
          new String[] {
            "/api/cards", "/api/claims", "/api/cards/A/block", "/api/links", "/api/import"
          }) {
        Served.Reply r = s.post(path, "{\"owner\":\"w\"}");
        assertEquals(403, r.status(), path);
        assertEquals("READ_ONLY", r.errorCode());
      }
      assertEquals(403, s.delete("/api/links?from=A&to=B").status());
      assertEquals("ready", s.backlog.get(dev.backlog.core.CardId.of("A")).status().wireName());
      assertEquals(1, s.get("/api/cards").json().size());
    }
  }

  @Test
  void bodiesOverTheLimitAre413WithOrWithoutALength() throws IOException {
    try (Served s = new Served()) {
      String big = "{\"id\":\"A\",\"title\":\"" + "x".repeat(1 << 20) + "\"}";
      String declared = declaredOnly(s, "/api/cards", big.length());
      assertTrue(declared.startsWith("HTTP/1.1 413 "), declared);
      assertTrue(declared.contains("\"code\":\"BODY_TOO_LARGE\""), declared);
      Served.Reply chunked =
          s.send(
              s.request("/api/cards")
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                  .build());
      assertEquals(413, chunked.status(), chunked.toString());
      assertEquals(0, s.backlog.list(CardQuery.ALL).size());
      StringBuilder plan = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        plan.append("{\"id\":\"P")
            .append(i)
            .append("\",\"title\":\"t\",\"body\":\"")
            .append("b".repeat(600))
            .append("\"}\n");
      }
      assertTrue(plan.length() > 1 << 20);
      Served.Reply imported = s.post("/api/import", plan.toString());
      assertEquals(200, imported.status(), imported.toString());
      assertEquals(3000, imported.json().get("imported").asInt());
      String tooBig = declaredOnly(s, "/api/import", (16 << 20) + 1);
      assertTrue(tooBig.startsWith("HTTP/1.1 413 "), tooBig);
      assertEquals(3000, s.backlog.list(CardQuery.ALL).size(), "a refused import wrote");
    }
  }

  /**
   * Sends only the head of a POST that declares a body of {@code length} bytes and returns the
   * whole answer. The server refuses on the declared length alone; a client that went on writing
   * the body could find the connection reset by the server's close before it read the answer.
   */
  private static String declaredOnly(Served s, String path, long length) throws IOException {
    return s.raw(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + s.server.port()
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + length
            + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void aNonLoopbackBindNeedsAToken() {
    try (Served s = new Served()) {
      InvalidInputException refused =
          assertThrows(
              InvalidInputException.class,
              () -> BacklogServer.builder(s.backlog).bind("0.0.0.0").port(0).build());
      assertTrue(refused.getMessage().contains("token"), refused.getMessage());
      assertThrows(
          InvalidInputException.class,
          () -> BacklogServer.builder(s.backlog).token("short").port(0).build());
      try (BacklogServer open =
          BacklogServer.builder(s.backlog).bind("0.0.0.0").port(0).token(TOKEN).build().start()) {
        assertTrue(open.port() > 0);
      }
    }
  }

  @Test
  void idleConnectionsAreClosed() throws IOException {
    try (Served s = new Served(b -> b.idleTimeout(Duration.ofMillis(300)))) {
      try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
        socket.setSoTimeout(5000);
        long t0 = System.nanoTime();
        InputStream in = socket.getInputStream();
        assertEquals(-1, in.read(), "the idle connection stayed open");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(4).toNanos());
      }
    }
  }

  @Test
  void aMountedServletIsBehindTheSameRules() {
    try (Served s = new Served(b -> b.token(TOKEN).servlet("/echo/*", new Echo()))) {
      assertEquals(401, s.post("/echo/x", "hello").status());
      s.token = TOKEN;
      Served.Reply ok = s.post("/echo/x", "hello");
      assertEquals(200, ok.status());
      assertEquals("echo 5", ok.body());
      Served.Reply foreign =
          s.send(
              s.request("/echo/x")
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.ofString("hello"))
                  .build());
      assertEquals(403, foreign.status());
      byte[] big = new byte[(1 << 20) + 10];
      Served.Reply chunked =
          s.send(
              s.request("/echo/x")
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                  .build());
      assertEquals(413, chunked.status(), chunked.toString());
    }
    try (Served s = new Served()) {
      assertThrows(
          InvalidInputException.class,
          () -> BacklogServer.builder(s.backlog).servlet("/api/mine", new Echo()).build());
    }
  }

  @Test
  void pathsOutsideTheBoardsAssetsAre400Or404AndServeNoOtherFile() throws IOException {
    try (Served s = new Served()) {
      String[] paths = {
        "/..%2f..%2fetc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fetc%2fpasswd",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%5c..%5cetc%5cpasswd",
        "/assets/%5c..%5cboard.js",
        "/assets/../../etc/passwd",
        "/assets/..%2f..%2fdev%2fbacklog%2fserver%2fBacklogServer.class",
        "/assets/..%2fBacklogServer.class",
        "/..%2f..%2fMETA-INF%2fMANIFEST.MF",
        "/assets/%2e%2e%2f%2e%2e%2fserver%2fBacklogServer.class",
        "/assets/board.js%00.html",
      };
      for (String path : paths) {
        String answer =
            s.raw(
                "GET "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + s.server.port()
                    + "\r\nConnection: close\r\n\r\n");
        assertTrue(
            answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 404"),
            path + " answered " + answer.lines().findFirst().orElse(""));
        assertFalse(answer.contains("root:"), path + " served /etc/passwd");
        assertFalse(answer.contains("Manifest-Version"), path + " served the jar's manifest");
        assertFalse(answer.contains("java/lang/Object"), path + " served a class file");
        assertFalse(answer.contains("package dev.backlog"), path + " served a source file");
      }
      String asset =
          s.raw(
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:"
                  + s.server.port()
                  + "\r\nConnection: close\r\n\r\n");
      assertTrue(asset.startsWith("HTTP/1.1 200"), asset);
    }
  }

  @Test
  void oneStreamOverTheCapIs503UntilAnotherCloses() throws Exception {
    try (Served s = new Served(b -> b.maxStreams(2))) {
      HttpResponse<Stream<String>> first = open(s);
      HttpResponse<Stream<String>> second = open(s);
      assertEquals(200, first.statusCode());
      assertEquals(200, second.statusCode());
      Served.Reply third = s.get("/api/events/stream");
      assertEquals(503, third.status(), third.toString());
      assertEquals("TOO_MANY_STREAMS", third.errorCode());
      assertEquals("unavailable", third.json().at("/error/category").asText());
      assertTrue(third.body().contains("--max-streams"), third.body());
      assertTrue(third.headers().containsKey("retry-after"), third.headers().toString());
      assertEquals(200, s.get("/api/stats").status(), "the cap holds other requests back");
      first.body().close();
      // A stream notices that its client left when a write fails: give it events to write.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      HttpResponse<Stream<String>> again = open(s);
      for (int i = 0; again.statusCode() == 503 && System.nanoTime() < deadline; i++) {
        again.body().close();
        s.backlog.create(dev.backlog.core.NewCard.builder("A" + i).title("a").build());
        Thread.sleep(50);
        again = open(s);
      }
      assertEquals(200, again.statusCode(), "a closed stream still counts against the cap");
      again.body().close();
      second.body().close();
    }
    try (Served s = new Served()) {
      assertThrows(
          InvalidInputException.class,
          () -> BacklogServer.builder(s.backlog).maxStreams(0).build());
    }
  }

  private static HttpResponse<Stream<String>> open(Served s) throws Exception {
    return s.http.send(
        s.request("/api/events/stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
  }
}
