package dev.backlog.chaos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 6, the server under faults: {@code backlog serve} (the CLI's runnable jar, with a token)
 * while HTTP workers drain a DAG through its API, {@link SseSubscriber 200 SSE subscribers} follow
 * its event stream, {@link RawClients hostile clients} drop mid-request or dribble and stall,
 * {@code backlog mcp} processes are killed mid-call, and the server itself is restarted twice
 * (SIGTERM, then SIGKILL) on the same port while the subscribers reconnect with {@code
 * Last-Event-ID}.
 *
 * <p>Not thread-safe: one run per instance.
 */
public final class ServerScenario {

  /** The scenario's name in the report. */
  public static final String NAME =
      "server under faults (dropped, slow and 200 SSE clients, restarts, killed MCP)";

  /**
   * The pause of an HTTP worker after each completion while the slow clients stall, and after them,
   * so that the drain spans the stall and both restarts.
   */
  private static final long SLOW_PACE_MS = 6000;

  private static final long PACE_MS = 1000;

  private volatile long pace = PACE_MS;

  /** How long a claim through the API holds its card. */
  private static final int TTL_SECONDS = 10;

  /** The server's idle timeout ({@code BacklogServer.DEFAULT_IDLE_TIMEOUT}) and a margin. */
  static final Duration IDLE_LIMIT = Duration.ofSeconds(30 + 10);

  private final Profile profile;
  private final Random random;
  private final String token;

  /** A scenario whose server requires {@code token} (a planted secret: no output may show it). */
  public ServerScenario(Profile profile, Random random, String token) {
    this.profile = profile;
    this.random = random;
    this.token = token;
  }

  /** Runs the scenario on a stage. */
  public ScenarioResult run(Stage stage, Path dir) throws InterruptedException {
    FaultStats stats = new FaultStats();
    Set<CardId> drained =
        Plans.write(dir.resolve("plan.jsonl"), "W", profile.faultCards() * 5, random);
    stage.seed(dir.resolve("plan.jsonl"));
    Path tokenFile = dir.resolve("server-token");
    int port;
    try {
      Files.writeString(tokenFile, token + "\n", StandardCharsets.UTF_8);
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> violations = new ArrayList<>();
    Served server = new Served(stage.cli(), port, tokenFile);
    String up = server.start();
    if (up != null) {
      return stats.result(NAME, stage.store(), List.of(up), "");
    }
    Api api = new Api(port, token, stats);
    List<SseSubscriber> subscribers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < profile.sseSubscribers(); i++) {
      SseSubscriber s = new SseSubscriber(port, token);
      subscribers.add(s);
      threads.add(CliFleet.start("sse-" + i, s));
    }
    RawClients raw = new RawClients(port, token, stats);
    McpKills mcp = new McpKills(stage.cli(), dir, stats, random);
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    try {
      // the HTTP workers drain slowly while slow clients stall, which only the idle timeout may
      // free while the server stays up; meanwhile clients drop mid-request and MCP sessions are
      // killed mid-call; then the pace quickens and the server is restarted twice
      long deadline = System.nanoTime() + profile.maxScenario().plus(profile.recovery()).toNanos();
      pace = SLOW_PACE_MS;
      for (int w = 1; w <= 3; w++) {
        String owner = "http-w" + w;
        workers.add(
            CliFleet.start(owner, () -> work(api, owner, drained.size(), stats, done, deadline)));
      }
      List<Thread> slow = raw.startSlow(profile.slowClients());
      long slowUntil = System.nanoTime() + IDLE_LIMIT.toNanos();
      int kills = 0;
      while (System.nanoTime() < slowUntil && slow.stream().anyMatch(Thread::isAlive)) {
        raw.dropHalfBody();
        raw.dropBeforeAnswer(TTL_SECONDS / 2);
        if (kills < profile.mcpKills()) {
          mcp.killMidCall(TTL_SECONDS / 2);
          kills++;
        }
        Thread.sleep(500 + random.nextInt(500));
      }
      violations.addAll(raw.slowOutcome(slow, IDLE_LIMIT));
      pace = PACE_MS;
      for (String how : List.of("SIGTERM", "kill -9")) {
        if (done.get()) {
          violations.add("the drain ended before the server's " + how + " restart: too few cards");
          break;
        }
        Thread.sleep(500 + random.nextInt(1000));
        raw.dropBeforeAnswer(TTL_SECONDS / 2);
        String restarted = server.restart(how, stats);
        if (restarted != null) {
          violations.add(restarted);
          break;
        }
      }
      for (Thread w : workers) {
        w.join();
      }
      if (!done.get()) {
        violations.add(
            "the HTTP workers did not drain the backlog within "
                + profile.maxScenario().plus(profile.recovery()));
      }
      List<Long> seqs = api.seqs();
      if (seqs == null) {
        violations.add("the server did not answer GET /api/events after the drain");
        seqs = List.of();
      }
      long last = seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < until
          && subscribers.stream().anyMatch(s -> s.connections() > 0 && s.last() < last)) {
        Thread.sleep(100);
      }
      violations.addAll(sseCheck(subscribers, seqs, stats));
    } finally {
      subscribers.forEach(SseSubscriber::stop);
      for (Thread t : threads) {
        t.join(5000);
      }
      server.stop();
    }
    violations.addAll(server.problems());
    violations.addAll(stage.check(drained, false));
    if (!violations.isEmpty()) {
      // what the server logged says why, in the report and in a failing test's message
      server.logged(5).forEach(l -> violations.add("backlog serve logged, " + l));
    }
    return stats.result(
        NAME,
        stage.store(),
        violations,
        drained.size()
            + " cards, 3 HTTP workers, "
            + profile.sseSubscribers()
            + " SSE subscribers, "
            + profile.slowClients()
            + " slow clients");
  }

  /** Each subscriber that was answered saw every event exactly once, in order, across restarts. */
  static List<String> sseCheck(List<SseSubscriber> subscribers, List<Long> seqs, FaultStats stats) {
    List<String> violations = new ArrayList<>();
    int refused = 0;
    int bad = 0;
    for (int i = 0; i < subscribers.size(); i++) {
      SseSubscriber s = subscribers.get(i);
      if (s.connections() == 0) {
        refused++;
        if (refused == 1) {
          stats.outcome("SSE subscriber refused: " + s.refusals().stream().findFirst().orElse("?"));
        }
        continue;
      }
      List<Long> seen = s.seen();
      if (!seen.equals(seqs)) {
        bad++;
        if (bad <= 3) {
          violations.add(
              "SSE subscriber "
                  + i
                  + " ("
                  + s.connections()
                  + " connections) saw "
                  + describe(seen, seqs));
        }
      } else if (s.connections() > 1) {
        stats.outcome("SSE subscriber resumed by Last-Event-ID");
      }
    }
    if (bad > 3) {
      violations.add((bad - 3) + " more SSE subscribers saw a different event sequence");
    }
    if (refused > 0) {
      stats.outcome("SSE subscribers never connected: " + refused);
    }
    return violations;
  }

  private static String describe(List<Long> seen, List<Long> seqs) {
    List<Long> missing = new ArrayList<>(seqs);
    missing.removeAll(seen);
    long duplicates = seen.size() - seen.stream().distinct().count();
    boolean ordered = true;
    for (int i = 1; i < seen.size(); i++) {
      ordered &= seen.get(i) > seen.get(i - 1);
    }
    return seen.size()
        + " events of the store's "
        + seqs.size()
        + ": missing "
        + (missing.size() > 10 ? missing.subList(0, 10) + "…" : missing)
        + ", "
        + duplicates
        + " duplicates"
        + (ordered ? "" : ", out of order");
  }

  private void work(
      Api api, String owner, int expected, FaultStats stats, AtomicBoolean done, long deadline) {
    while (!done.get() && System.nanoTime() < deadline) {
      Api.Answer claim =
          api.post(
              "/api/claims",
              "{\"owner\":\"" + owner + "\",\"ttlSeconds\":" + TTL_SECONDS + "}",
              stats);
      if (claim == null || claim.status() != 200) {
        answered(claim, "claim", stats);
        pause(200);
        continue;
      }
      stats.success();
      JsonNode card = CliFleet.parse(claim.body());
      if (card == null || card.isNull()) {
        if (api.done(expected, stats)) {
          done.set(true);
          return;
        }
        pause(200);
        continue;
      }
      String id = card.path("id").asText();
      long lease = card.path("lease").path("token").asLong();
      Api.Answer complete =
          api.post("/api/cards/" + id + "/complete", "{\"token\":" + lease + "}", stats);
      if (complete != null && complete.status() == 200) {
        stats.success();
        pause(pace);
      } else {
        answered(complete, "complete", stats);
      }
    }
  }

  /** Counts a failed call; a status the API does not promise for it is a problem. */
  private static void answered(Api.Answer a, String what, FaultStats stats) {
    if (a == null) {
      stats.outcome(what + ": server unreachable");
    } else if (a.status() == 409 || a.status() == 503) {
      stats.outcome(what + " " + a.status());
    } else {
      stats.problem(what + " answered " + a.status() + ": " + CliFleet.firstLine(a.body()));
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The API through {@link HttpClient}, with the token. */
  static final class Api {
    record Answer(int status, String body) {}

    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final int port;
    private final String token;
    private final FaultStats stats;

    Api(int port, String token, FaultStats stats) {
      this.port = port;
      this.token = token;
      this.stats = stats;
    }

    /** A POST; null when the server could not be reached or the connection broke. */
    Answer post(String path, String body, FaultStats stats) {
      return send(
          HttpRequest.newBuilder(uri(path))
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .header("Content-Type", "application/json"));
    }

    Answer get(String path) {
      return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    boolean done(int expected, FaultStats stats) {
      Answer a = get("/api/stats");
      if (a == null || a.status() != 200) {
        answered(a, "stats", stats);
        return false;
      }
      JsonNode s = CliFleet.parse(a.body());
      return s != null && s.path("counts").path("done").asLong() >= expected;
    }

    /** Every event seq in the store, through the API; null when it does not answer. */
    List<Long> seqs() {
      List<Long> seqs = new ArrayList<>();
      long after = 0;
      while (true) {
        Answer a = get("/api/events?after=" + after + "&limit=1000");
        JsonNode page = a == null || a.status() != 200 ? null : CliFleet.parse(a.body());
        if (page == null || !page.isArray()) {
          return null;
        }
        for (JsonNode e : page) {
          seqs.add(e.path("seq").asLong());
        }
        if (page.size() < 1000) {
          return seqs;
        }
        after = seqs.get(seqs.size() - 1);
      }
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    private Answer send(HttpRequest.Builder b) {
      stats.operations.incrementAndGet();
      try {
        HttpResponse<String> r =
            http.send(
                b.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }
}
