package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.jdbc.JdbcBacklogStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  /** A real H2 data source whose network can be cut, as when the database host goes away. */
  static final class Cuttable implements DataSource {
    final JdbcDataSource h2 = new JdbcDataSource();
    final AtomicBoolean down = new AtomicBoolean();

    Cuttable() {
      h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down.get()) {
        throw new SQLTransientConnectionException("connection refused", "08001");
      }
      return h2.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  @Test
  void aStoreThatCannotBeReachedAnswers503() {
    Cuttable ds = new Cuttable();
    Backlog backlog =
        Backlog.builder()
            .store(
                JdbcBacklogStore.builder()
                    .dataSource(ds, "test h2")
                    .connectRetry(Duration.ofMillis(300))
                    .build())
            .build();
    try (Served s = new Served(backlog, b -> b)) {
      assertEquals(201, s.post("/api/cards", "{\"id\":\"A\",\"title\":\"a\"}").status());
      ds.down.set(true);
      Served.Reply r = s.get("/api/stats");
      assertEquals(503, r.status(), r.toString());
      assertEquals("STORE_UNAVAILABLE", r.errorCode());
      assertEquals("unavailable", r.json().path("error").path("category").asText());
      ds.down.set(false);
      assertEquals(200, s.get("/api/stats").status());
    }
  }

  /** A host servlet that takes its time, and says when a request has reached it. */
  static final class Slow extends HttpServlet {
    private static final long serialVersionUID = 1L;
    final transient CountDownLatch entered = new CountDownLatch(1);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      entered.countDown();
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      resp.setContentType("text/plain");
      resp.getWriter().write("finished");
    }
  }

  @Test
  void closingLetsARequestInFlightFinish() throws Exception {
    Slow slow = new Slow();
    try (Served s = new Served(b -> b.servlet("/slow", slow))) {
      try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertTrue(slow.entered.await(20, TimeUnit.SECONDS), "the request never arrived");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s.server::close);
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.endsWith("finished"), answer);
        closing.get(20, TimeUnit.SECONDS);
      }
      assertThrows(Exception.class, () -> s.get("/api/stats"));
    }
  }

  @Test
  void aTakenPortIsBindFailed() {
    try (Served s = new Served()) {
      BacklogServer second = BacklogServer.builder(s.backlog).port(s.server.port()).build();
      BacklogException e = assertThrows(BacklogException.class, second::start);
      assertEquals(ServerErrorCode.BIND_FAILED, e.code());
      assertTrue(e.getMessage().contains(Integer.toString(s.server.port())), e.getMessage());
    }
  }
}
