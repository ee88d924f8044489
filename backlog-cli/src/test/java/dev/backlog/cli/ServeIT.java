package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backlog serve} and {@code backlog demo --serve} as real processes. */
class ServeIT {

  private final HttpClient http = HttpClient.newHttpClient();

  /** Waits for the first stdout line of a started process. */
  private static String firstLine(CliProcess.Started started) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String out = Files.readString(started.out(), StandardCharsets.UTF_8);
      int nl = out.indexOf('\n');
      if (nl > 0) {
        return out.substring(0, nl);
      }
      if (!started.process().isAlive()) {
        throw new AssertionError(
            "exited " + started.process().exitValue() + ": " + Files.readString(started.err()));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no first line within 60 s");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void serveAnswersTheApiWithItsTokenAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    CliProcess cli = new CliProcess(dir);
    String token = "cli-token-0123456789abcdef";
    Files.writeString(cli.workDir.resolve("token.txt"), token + "\n");
    CliProcess.Started started =
        cli.start("--json", "serve", "--port", "0", "--token-file", "token.txt");
    String line = firstLine(started);
    JsonNode first = CliProcess.JSON.readTree(line);
    String url = first.get("url").asText();
    assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), line);
    assertFalse(line.contains(token));
    assertEquals(401, send(HttpRequest.newBuilder(URI.create(url + "/api/stats"))).statusCode());
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(URI.create(url + "/api/cards"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"S1\",\"title\":\"served\"}")));
    assertEquals(201, created.statusCode(), created.body());
    started.process().destroy(); // SIGTERM
    assertTrue(started.process().waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    String err = Files.readString(started.err(), StandardCharsets.UTF_8);
    assertFalse(err.contains(token), "the token leaked to stderr: " + err);
    // The store was closed: another process opens it and sees the card.
    CliProcess.Result show = cli.run("--json", "show", "S1");
    assertEquals(0, show.exit(), show.toString());
    assertEquals("served", show.json().get("title").asText());
  }

  @Test
  void aNonLoopbackBindWithoutATokenIsRefusedWithExit2(@TempDir Path dir) {
    CliProcess.Result r = new CliProcess(dir).run("serve", "--bind", "0.0.0.0", "--port", "0");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("--token-file"), r.err());
  }

  @Test
  void demoServeShowsTheBoardWhileTheFleetBurnsThePlanDown(@TempDir Path dir) throws Exception {
    CliProcess cli = new CliProcess(dir);
    CliProcess.Started started = cli.start("--json", "demo", "--serve", "--port", "0");
    String url = CliProcess.JSON.readTree(firstLine(started)).get("url").asText();
    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(url + "/")));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("backlog board"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int done = 0;
    while (System.nanoTime() < deadline && done < 14) {
      JsonNode stats =
          CliProcess.JSON.readTree(
              send(HttpRequest.newBuilder(URI.create(url + "/api/stats"))).body());
      done = stats.get("counts").get("done").asInt();
      Thread.sleep(200);
    }
    assertEquals(14, done, "the demo did not finish its plan");
    Thread.sleep(500);
    assertTrue(started.process().isAlive(), "demo --serve should wait for Ctrl-C after the plan");
    started.process().destroy();
    assertTrue(started.process().waitFor(30, TimeUnit.SECONDS));
    try {
      send(HttpRequest.newBuilder(URI.create(url + "/api/stats")));
      throw new AssertionError("the board still answers after SIGTERM");
    } catch (IOException expected) {
      // connection refused: the server stopped
    }
  }
}
