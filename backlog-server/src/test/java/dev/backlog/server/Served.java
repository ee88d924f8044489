package dev.backlog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A real server on loopback over a fresh in-memory H2 backlog, and a small HTTP client for tests.
 */
final class Served implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final Backlog backlog;
  final BacklogServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  String token;

  /** An answer: status, headers and body. */
  record Reply(int status, String body, Map<String, java.util.List<String>> headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String errorCode() {
      return json().path("error").path("code").asText();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Served() {
    this(b -> b);
  }

  Served(UnaryOperator<BacklogServer.Builder> config) {
    this(newBacklog(), config);
  }

  Served(Backlog backlog, UnaryOperator<BacklogServer.Builder> config) {
    this.backlog = backlog;
    this.server = config.apply(BacklogServer.builder(backlog).port(0)).build().start();
  }

  static Backlog newBacklog() {
    return Backlog.builder()
        .store(
            JdbcBacklogStore.builder()
                .url("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .maxPoolSize(20)
                .build())
        .actor("test")
        .build();
  }

  String url(String path) {
    return server.url() + path;
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Reply get(String path) {
    return send(request(path).GET().build());
  }

  Reply post(String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  Reply delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** Creates a card through the API and returns it. */
  JsonNode create(String json) {
    Reply r = post("/api/cards", json);
    if (r.status() != 201) {
      throw new AssertionError("create failed: " + r);
    }
    return r.json();
  }

  /** Sends raw request text on a socket (for headers the JDK client will not set, such as Host). */
  String raw(String requestText) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(requestText.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    server.close();
    backlog.close();
  }
}
