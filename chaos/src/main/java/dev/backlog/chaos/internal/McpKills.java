package dev.backlog.chaos.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * {@code backlog mcp} processes (stdio) killed with SIGKILL in the middle of a {@code claim_next}
 * call: the card it may have claimed is held by a dead session until its lease lapses, then the
 * other workers take it; the invariants (no two live holders, no late write accepted, exactly once)
 * show that no work is done twice.
 *
 * <p>Not thread-safe.
 */
final class McpKills {

  private final CliRunner cli;
  private final Path dir;
  private final FaultStats stats;
  private final Random random;
  private int n;

  McpKills(CliRunner cli, Path dir, FaultStats stats, Random random) {
    this.cli = cli;
    this.dir = dir;
    this.stats = stats;
    this.random = random;
  }

  /** Starts a session, sends a claim with a {@code ttlSeconds} lease and kills it mid-call. */
  void killMidCall(int ttlSeconds) throws InterruptedException {
    n++;
    Path err = dir.resolve("mcp-" + n + ".err");
    Process p = cli.startPiped(err, "mcp");
    StringBuilder out = new StringBuilder();
    Thread reader =
        CliFleet.start(
            "mcp-reader-" + n,
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (out) {
                    out.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // killed
              }
            });
    try {
      OutputStream in = p.getOutputStream();
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"chaos\",\"version\":\"1\"}}}");
      long until = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < until && p.isAlive() && lines(out) < 1) {
        Thread.sleep(20);
      }
      send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"claim_next\",\"arguments\":{\"ttlSeconds\":"
              + ttlSeconds
              + "}}}");
      Thread.sleep(random.nextInt(60));
    } catch (IOException e) {
      stats.outcome("mcp session ended before the kill");
    } finally {
      boolean answered = lines(out) >= 2;
      p.destroyForcibly();
      p.waitFor();
      reader.join(5000);
      stats.fault(
          answered ? "kill -9 of backlog mcp after its claim" : "kill -9 of backlog mcp mid-call");
      String errText;
      try {
        errText = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(err);
      } catch (IOException e) {
        errText = "";
      }
      synchronized (out) {
        cli.record("mcp (killed)", out.toString(), errText);
      }
    }
  }

  private static int lines(StringBuilder out) {
    synchronized (out) {
      return (int) out.chars().filter(c -> c == '\n').count();
    }
  }

  private static void send(OutputStream in, String line) throws IOException {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }
}
