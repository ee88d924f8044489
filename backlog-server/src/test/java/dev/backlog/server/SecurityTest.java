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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SecurityTest {

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
      assertTrue(none.headers().containsKey("www-authenticate"));
      s.token = "wrong-token-0123456789";
      Served.Reply wrong = s.post("/api/cards", "{\"id\":\"A\",\"title\":\"a\"}");
      assertEquals(401, wrong.status());
      assertFalse(wrong.body().contains(TOKEN), "the error shows the token");
      assertFalse(wrong.body().contains("wrong-token"), "the error shows the given token");
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
  void bodiesOverTheLimitAre413WithOrWithoutALength() {
    try (Served s = new Served()) {
      String big = "{\"id\":\"A\",\"title\":\"" + "x".repeat(1 << 20) + "\"}";
      Served.Reply declared = s.post("/api/cards", big);
      assertEquals(413, declared.status());
      assertEquals("BODY_TOO_LARGE", declared.errorCode());
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
      Served.Reply tooBig = s.post("/api/import", "x".repeat((16 << 20) + 1));
      assertEquals(413, tooBig.status());
    }
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
}
