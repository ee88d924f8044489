package dev.backlog.benchmarks.internal;

import static dev.backlog.benchmarks.internal.ScenarioSteps.SMALL_DONE;
import static dev.backlog.benchmarks.internal.ScenarioSteps.doneAndReady;
import static dev.backlog.benchmarks.internal.ScenarioSteps.fmt;
import static dev.backlog.benchmarks.internal.ScenarioSteps.loadMigrated;
import static dev.backlog.benchmarks.internal.ScenarioSteps.openBacklog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.EventType;
import dev.backlog.server.BacklogServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * 16 HTTP clients claim+complete against the HTTP server ({@code backlog serve}'s server, started
 * in this process on loopback), against 16 in-process workers on the same backlog, in alternating
 * rounds; while the HTTP rounds run, one client follows the event stream and measures each event's
 * delay from its commit timestamp to its arrival.
 *
 * <p>Not thread-safe: one run at a time.
 */
final class HttpScenarios {

  /** Concurrent clients, as the design's target names. */
  static final int CLIENTS = 16;

  /** Rounds per system. */
  static final int ROUNDS = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScenarioSteps steps;
  private final Options options;
  private final Consumer<String> progress;

  HttpScenarios(ScenarioSteps steps) {
    this.steps = steps;
    this.options = steps.options();
    this.progress = steps.progress();
  }

  /** On the run's PostgreSQL. */
  void runPg() throws Exception {
    String url = steps.pg().freshSchema("http");
    try {
      compare("pg", "PostgreSQL", url);
    } finally {
      steps.pg().dropSchema(url);
    }
  }

  /** On an embedded H2 file. */
  void runH2() throws Exception {
    Path dir = Files.createTempDirectory("backlog-bench-http");
    try {
      compare(
          "h2",
          "H2",
          "jdbc:h2:file:" + dir.toAbsolutePath().toString().replace('\\', '/') + "/http");
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void compare(String prefix, String database, String url) throws Exception {
    int pool = options.full() ? 200_000 : 20_000;
    String backlog = fmt(SMALL_DONE) + " done + " + fmt(pool) + " ready";
    progress.accept(prefix + ".http.ours and " + prefix + ".http.inproc (alternating rounds)");
    loadMigrated(url, l -> doneAndReady(l, SMALL_DONE, pool, 0));
    Duration round = options.scenarioTime().dividedBy(ROUNDS);
    Sum http = new Sum();
    Sum inproc = new Sum();
    Latencies delivery = new Latencies();
    Thread follower;
    try (Backlog shared = openBacklog(url, CLIENTS);
        BacklogServer server = BacklogServer.builder(shared).port(0).build().start()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      LoadDriver.WorkerFactory library = i -> Workers.ours(shared, "w" + i, 1);
      LoadDriver.WorkerFactory overHttp = i -> worker(server.url(), "h" + i);
      // The server's code (Jetty, the servlet layer, the JSON of requests and answers) is not yet
      // compiled when the first HTTP scenario starts, while the library's is: warm both up, half a
      // round each, until the compiler is quiet, as a server that has run for a while is.
      Duration half = JitWarmUp.ROUND.dividedBy(2);
      Duration most = Duration.ofSeconds(options.full() ? 30 : 4);
      JitWarmUp.Quiet warm =
          JitWarmUp.untilQuiet(
              Duration.ofSeconds(options.full() ? 5 : 2),
              most,
              r -> {
                LoadDriver.run(CLIENTS, half, overHttp);
                LoadDriver.run(CLIENTS, half, library);
              });
      steps.note(
          String.format(
              Locale.ROOT,
              "HTTP on %s: a warm-up of both sides (HTTP and in-process, half a second each in turn)"
                  + " preceded the rounds: %.0f s; it ends once the JIT compiler spends under 5 %% of"
                  + " a second compiling, or after %d s (%s in the last second).",
              database,
              warm.seconds(),
              most.toSeconds(),
              warm.lastRound()));
      AtomicBoolean following = new AtomicBoolean(true);
      follower = new Thread(() -> follow(client, server.url(), delivery, following));
      follower.setDaemon(true);
      follower.start();
      ReadyPool ready = new ReadyPool(shared, pool, "P");
      for (int r = 0; r < ROUNDS; r++) {
        boolean httpFirst = r % 2 == 0;
        String first =
            (httpFirst ? "HTTP" : "in-process") + " on " + database + ", round " + (r + 1);
        String second =
            (httpFirst ? "in-process" : "HTTP") + " on " + database + ", round " + (r + 1);
        ready.topUp();
        (httpFirst ? http : inproc)
            .add(LoadDriver.run(CLIENTS, round, httpFirst ? overHttp : library).requireWork(first));
        ready.topUp();
        (httpFirst ? inproc : http)
            .add(
                LoadDriver.run(CLIENTS, round, httpFirst ? library : overHttp).requireWork(second));
      }
      following.set(false);
    }
    follower.join(5_000); // the stream ended with the server
    Latencies delivered;
    synchronized (delivery) {
      delivered = new Latencies();
      delivered.addAll(delivery);
    }
    String rounds =
        ROUNDS
            + " rounds of "
            + round.toMillis()
            + " ms, alternating on one backlog, the pool refilled to its size before each";
    steps.add(
        http.measurement(
            prefix + ".http.ours",
            "http",
            "ours-http",
            database,
            backlog,
            "16 clients on loopback, each one blocking keep-alive connection: POST /api/claims then POST"
                + " /api/cards/{id}/complete; the claim latency is the claim request's round trip; "
                + rounds));
    steps.add(
        inproc.measurement(
            prefix + ".http.inproc",
            "http",
            "ours",
            database,
            backlog,
            "the same work through the library in the server's process (Backlog.claim then"
                + " complete), the server idle beside it; "
                + rounds));
    steps.add(
        new Measurement(
            prefix + ".http.stream",
            "http-stream",
            "event-stream",
            database,
            1,
            1,
            backlog,
            delivered.size(),
            0,
            0,
            delivered.percentile(50) / 1e3,
            delivered.percentile(99) / 1e3,
            delivered.size(),
            -1,
            "delay of each event on GET /api/events/stream from its timestamp (written inside its"
                + " transaction, so the commit is included) to its arrival at a client on loopback;"
                + " the p50/p99 columns hold the delivery delay; the creations that refill the"
                + " pool between rounds are not counted"));
  }

  /**
   * A worker that claims and completes over HTTP on its own keep-alive connection, blocking on its
   * own thread as the in-process worker does.
   */
  private static LoadDriver.Worker worker(String base, String owner) {
    String claimBody = "{\"owner\":\"" + owner + "\",\"ttlSeconds\":900}";
    PlainHttp http = new PlainHttp(base);
    return new LoadDriver.Worker() {
      private long transactions;

      @Override
      public int step(Latencies claimLatencies) throws Exception {
        long t0 = System.nanoTime();
        JsonNode card = post(http, "/api/claims", claimBody);
        long t1 = System.nanoTime();
        transactions++;
        if (card.isNull()) {
          return -1;
        }
        claimLatencies.add(t1 - t0);
        String id = card.get("id").asText();
        long token = card.get("lease").get("token").asLong();
        post(http, "/api/cards/" + id + "/complete", "{\"token\":" + token + "}");
        transactions++;
        return 1;
      }

      @Override
      public long transactions() {
        return transactions;
      }

      @Override
      public void close() {
        http.close();
      }
    };
  }

  private static JsonNode post(PlainHttp http, String path, String body) throws IOException {
    PlainHttp.Answer r = http.post(path, body);
    if (r.status() != 200) {
      throw new IllegalStateException(path + " answered " + r.status() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** Follows the event stream from its head, adding each event's delivery delay. */
  private static void follow(
      HttpClient client, String base, Latencies delivery, AtomicBoolean following) {
    try {
      HttpResponse<Stream<String>> r =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/api/events/stream")).build(),
              HttpResponse.BodyHandlers.ofLines());
      try (Stream<String> lines = r.body()) {
        Iterator<String> it = lines.iterator();
        while (following.get() && it.hasNext()) {
          String line = it.next();
          if (line.startsWith("data: ")) {
            Instant arrived = Instant.now();
            JsonNode event = JSON.readTree(line.substring(6));
            if (event.get("type").asText().equals(EventType.CREATED.wireName())) {
              continue; // the pool's top-up between rounds, thousands in one transaction
            }
            Instant at = Instant.parse(event.get("at").asText());
            synchronized (delivery) {
              delivery.add(Math.max(0, Duration.between(at, arrived).toNanos()));
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The server stopped at the end of the scenario.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sums of several rounds of one system. */
  private static final class Sum {
    private long cards;
    private double seconds;
    private long transactions;
    private final Latencies latencies = new Latencies();

    void add(LoadDriver.Run run) {
      cards += run.cards();
      seconds += run.seconds();
      transactions += run.transactions();
      latencies.addAll(run.latencies());
    }

    Measurement measurement(
        String id, String group, String system, String database, String backlog, String note) {
      return ScenarioSteps.measure(
          id,
          group,
          system,
          database,
          CLIENTS,
          1,
          backlog,
          new LoadDriver.Run(cards, seconds, latencies, transactions),
          transactions / (double) Math.max(1, cards),
          String.format(Locale.ROOT, "%s", note));
    }
  }
}
