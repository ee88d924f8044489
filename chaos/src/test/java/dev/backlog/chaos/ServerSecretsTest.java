package dev.backlog.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.chaos.internal.CliRunner;
import dev.backlog.chaos.internal.OutputLog;
import dev.backlog.chaos.internal.PgServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planted-secrets test for what listens: a server token ({@code backlog serve --token-file}),
 * next to a database password, is absent from every line {@code backlog serve} and {@code backlog
 * mcp} write (stdout, stderr, {@code --json}, {@code --verbose}) and from every HTTP answer,
 * refusals included: a wrong or missing token, a foreign {@code Host}, a bad body, an unknown
 * route; a token file too short to be accepted is refused without its content; a server whose
 * database is unreachable fails without the password.
 */
class ServerSecretsTest {

  private static final String SERVER_TOKEN = "PlantedServerToken-5e2b7c9d41aa";
  private static final String SHORT_TOKEN = "PlantedShort9";
  private static final String DB_PASSWORD = "PlantedDbPassword-0c44d2e1";

  @TempDir Path tmp;

  @Test
  void theServerTokenAndThePasswordAreAbsentFromAllOutputOfServeAndMcp() throws Exception {
    OutputLog log = new OutputLog();
    List<String> answers = new ArrayList<>();
    try (PgServer pg = PgServer.start(tmp.resolve("pg"), DB_PASSWORD)) {
      CliRunner cli =
          new CliRunner(HostileInputTest.JAR, tmp.resolve("project"), log)
              .env("BACKLOG_HOME", tmp.resolve("home").toString())
              .env("BACKLOG_DB_URL", pg.cliUrl(pg.freshSchema("serve")))
              .env("BACKLOG_DB_USER", "postgres")
              .env("BACKLOG_DB_PASSWORD", DB_PASSWORD);
      assertEquals(0, cli.run("create", "--id", "A1", "--title", "Schema", "--json").exit());
      Path tokenFile = tmp.resolve("token");
      Files.writeString(tokenFile, SERVER_TOKEN + "\n");
      int port = freePort();
      CliRunner.Running serve =
          cli.start(
              "--verbose",
              "serve",
              "--port",
              Integer.toString(port),
              "--token-file",
              tokenFile.toString(),
              "--json");
      awaitListening(serve);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      for (String[] call :
          new String[][] {
            {"GET", "/api/stats", SERVER_TOKEN, ""},
            {"POST", "/api/claims", SERVER_TOKEN, "{\"owner\":\"w1\"}"},
            {"POST", "/api/claims", SERVER_TOKEN, "{\"owner\": not json"},
            {"GET", "/api/nope", SERVER_TOKEN, ""},
            {"GET", "/api/stats", SERVER_TOKEN + "x", ""},
            {"GET", "/api/stats", "", ""},
            {"POST", "/api/cards/A1/complete", SERVER_TOKEN, "{\"token\":99999}"},
          }) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call[1]));
        if (!call[2].isEmpty()) {
          b.header("Authorization", "Bearer " + call[2]);
        }
        b.method(
            call[0],
            call[3].isEmpty()
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(call[3]));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(
            call[0] + " " + call[1] + " → " + r.statusCode() + " " + r.headers() + r.body());
      }
      answers.add(rawWithForeignHost(port));
      assertTrue(answers.get(4).contains("→ 401"), answers.get(4));

      // an MCP session on the same store, with --verbose, that refuses a call and ends
      Path mcpErr = tmp.resolve("mcp.err");
      Process mcp = cli.startPiped(mcpErr, "--verbose", "mcp");
      String mcpOut;
      try (OutputStream in = mcp.getOutputStream();
          BufferedReader out =
              new BufferedReader(
                  new InputStreamReader(mcp.getInputStream(), StandardCharsets.UTF_8))) {
        send(
            in,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"s\",\"version\":\"1\"}}}");
        StringBuilder seen = new StringBuilder(out.readLine()).append('\n');
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(
            in,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"show_card\","
                + "\"arguments\":{\"id\":\"../"
                + SERVER_TOKEN.substring(0, 4)
                + "\"}}}");
        seen.append(out.readLine()).append('\n');
        send(
            in,
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"stats\"}}");
        seen.append(out.readLine()).append('\n');
        in.close();
        String line;
        while ((line = out.readLine()) != null) {
          seen.append(line).append('\n');
        }
        mcpOut = seen.toString();
      }
      assertTrue(mcp.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "mcp ends with its input");
      cli.record("--verbose mcp", mcpOut, Files.readString(mcpErr));
      assertTrue(mcpOut.contains("\"isError\":true"), mcpOut);

      serve.terminate();
      CliRunner.Result served = serve.await();
      assertFalse(served.killed(), served.err());

      // a token file too short to be accepted, and a database that cannot be reached
      Path shortFile = tmp.resolve("short-token");
      Files.writeString(shortFile, SHORT_TOKEN);
      CliRunner.Result tooShort =
          cli.run("--verbose", "serve", "--port", "0", "--token-file", shortFile.toString());
      assertEquals(2, tooShort.exit(), tooShort.err());
      CliRunner.Result tooShortJson =
          cli.run("serve", "--port", "0", "--token-file", shortFile.toString(), "--json");
      assertEquals(2, tooShortJson.exit(), tooShortJson.err());
      CliRunner.Result down =
          cli.run(
              "--db",
              "jdbc:postgresql://127.0.0.1:1/backlog?user=postgres&password=" + DB_PASSWORD,
              "--verbose",
              "serve",
              "--port",
              "0",
              "--token-file",
              tokenFile.toString(),
              "--json");
      assertEquals(5, down.exit(), down.err());
    }
    for (String secret : List.of(SERVER_TOKEN, SHORT_TOKEN, DB_PASSWORD)) {
      List<String> leaks = log.containing(secret);
      assertTrue(
          leaks.isEmpty(),
          "the planted secret appears in output:\n" + String.join("\n====\n", leaks));
      for (String answer : answers) {
        assertFalse(answer.contains(secret), "an HTTP answer shows a planted secret: " + answer);
      }
    }
    assertTrue(log.size() >= 6, "every process's output was kept: " + log.size());
  }

  private static String rawWithForeignHost(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream()
          .write(
              ("GET /api/stats HTTP/1.0\r\nHost: evil.example:"
                      + port
                      + "\r\nAuthorization: Bearer "
                      + SERVER_TOKEN
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 403") || answer.startsWith("HTTP/1.0 403"), answer);
      return answer;
    }
  }

  private static void awaitListening(CliRunner.Running serve) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!serve.outSoFar().contains("\"url\"")) {
      if (!serve.alive()) {
        throw new AssertionError("backlog serve exited: " + serve.await().err());
      }
      if (System.nanoTime() > until) {
        serve.kill();
        CliRunner.Result r = serve.await();
        throw new AssertionError("backlog serve did not start: " + r.out() + "\n" + r.err());
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void send(OutputStream in, String line) throws IOException {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }
}
