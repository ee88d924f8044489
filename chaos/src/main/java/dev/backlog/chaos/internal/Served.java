package dev.backlog.chaos.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code backlog serve --json} of the CLI's runnable jar on a fixed port with a token file,
 * started, restarted (SIGTERM or SIGKILL, then started again on the same port) and stopped by the
 * server scenario; every run's output goes to the run's log.
 *
 * <p>Not thread-safe.
 */
final class Served {

  private final CliRunner cli;
  private final int port;
  private final Path tokenFile;
  private final List<String> problems = new ArrayList<>();

  /** The distinct warnings and errors every run logged, oldest first, each with its run. */
  private final Set<String> logged = new LinkedHashSet<>();

  private int runs;
  private CliRunner.Running running;

  Served(CliRunner cli, int port, Path tokenFile) {
    this.cli = cli;
    this.port = port;
    this.tokenFile = tokenFile;
  }

  /** Starts it and waits for its first line; returns null, or why it did not come up. */
  String start() throws InterruptedException {
    runs++;
    running =
        cli.start(
            "serve",
            "--port",
            Integer.toString(port),
            "--token-file",
            tokenFile.toString(),
            "--json");
    long until = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < until) {
      String out = running.outSoFar();
      if (out.contains("\"url\"")) {
        if (!out.contains("\"url\":\"http://127.0.0.1:" + port + "\"")) {
          problems.add("backlog serve --json's first line names another address: " + out.strip());
        }
        return null;
      }
      if (!running.alive()) {
        CliRunner.Result r = collect(running.await());
        return "backlog serve exited " + r.exit() + " at start: " + CliFleet.firstLine(r.err());
      }
      Thread.sleep(50);
    }
    running.kill();
    collect(running.await());
    return "backlog serve did not print its address within 60 s";
  }

  /**
   * Stops it ({@code how}: SIGTERM or kill -9) and starts it again on the same port; returns null,
   * or why it did not come back.
   */
  String restart(String how, FaultStats stats) throws InterruptedException {
    if (how.equals("SIGTERM")) {
      running.terminate();
    } else {
      running.kill();
    }
    CliRunner.Result r = collect(running.await());
    if (how.equals("SIGTERM") && r.exit() != 0 && r.exit() != 143) {
      problems.add(
          "backlog serve exited " + r.exit() + " on SIGTERM: " + CliFleet.firstLine(r.err()));
    }
    stats.fault("server restarted (" + how + ")");
    String up = start();
    stats.faultEnded();
    return up;
  }

  /** Stops it with SIGTERM. */
  void stop() {
    if (running != null && running.alive()) {
      running.terminate();
      CliRunner.Result r = collect(running.await());
      if (r.exit() != 0 && r.exit() != 143) {
        problems.add(
            "backlog serve exited " + r.exit() + " on SIGTERM: " + CliFleet.firstLine(r.err()));
      }
    }
  }

  /**
   * The warnings and errors its runs logged (at most {@code max}, the last ones, each once, with
   * the number of its run), to say why a scenario that found a violation went wrong.
   */
  List<String> logged(int max) {
    List<String> all = new ArrayList<>(logged);
    return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
  }

  private CliRunner.Result collect(CliRunner.Result r) {
    for (String line : r.err().split("\n")) {
      int level = Math.max(line.indexOf(" WARN "), line.indexOf(" ERROR "));
      if (level >= 0) {
        // the message without its time and thread, so that repeats are kept once
        String message = line.substring(level).replaceAll("\\[[^]]*] ", "").strip();
        logged.add(
            "run "
                + runs
                + ": "
                + (message.length() > 400 ? message.substring(0, 400) + "…" : message));
      }
    }
    return r;
  }

  /** What it did that it does not promise. */
  List<String> problems() {
    return List.copyOf(problems);
  }
}
