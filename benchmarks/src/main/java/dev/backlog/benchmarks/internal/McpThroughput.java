package dev.backlog.benchmarks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Claim+complete round trips per second through {@code backlog mcp} (the real CLI, started as an
 * agent's host starts it, spoken to with the MCP SDK's stdio client), with one session and with
 * four at once, against the library in-process on the same H2 file with one and four threads.
 *
 * <p>Stateless and thread-safe.
 */
public final class McpThroughput {

  /** The goal: claim+complete pairs per second through one stdio session on H2. */
  public static final double GOAL_ONE_SESSION = 200;

  /** Cards seeded: enough that no run drains the backlog. */
  static final int CARDS = 60_000;

  /** How long every session or thread works before the measured window (JIT, pools, caches). */
  static final Duration WARM_UP = Duration.ofSeconds(5);

  private static final JacksonMcpJsonMapper MAPPER = new JacksonMcpJsonMapper(new ObjectMapper());

  private McpThroughput() {}

  /**
   * The figures of one run, in claim+complete pairs per second.
   *
   * @param status {@code measured} or {@code not measured}
   * @param mcpOne one stdio session
   * @param mcpFour four stdio sessions at once (the sum)
   * @param libraryOne the library in-process, one thread
   * @param libraryFour the library in-process, four threads (the sum)
   * @param windowSeconds the length of each measured window
   * @param command how the server was started, without paths of the machine
   * @param reason why it was not measured, or a remark
   */
  public record Result(
      String status,
      double mcpOne,
      double mcpFour,
      double libraryOne,
      double libraryFour,
      double windowSeconds,
      String command,
      String reason) {
    /** Validates the result. */
    public Result {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(command, "command");
      reason = reason == null ? "" : reason;
    }

    static Result notMeasured(String command, String reason) {
      return new Result(
          "not measured", Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, command, reason);
    }

    /** The result as a Markdown section for docs/benchmarks.md. */
    public String markdown() {
      if (!status.equals("measured")) {
        return "Not measured: " + reason + "\n";
      }
      return String.format(
          Locale.ROOT,
          "| path | sessions or threads | pairs/s | vs library, same count |%n"
              + "| --- | --- | --- | --- |%n"
              + "| `backlog mcp` over stdio | 1 | %.0f | %.0f %% |%n"
              + "| `backlog mcp` over stdio | 4 | %.0f | %.0f %% |%n"
              + "| library in-process | 1 | %.0f | 100 %% |%n"
              + "| library in-process | 4 | %.0f | 100 %% |%n%n"
              + "Goal: one session ≥ %.0f pairs/s: **%s** (%.0f). Each figure is one window of %.0f s"
              + " after %d s of warm-up; the library and the server take turns (library 1, one"
              + " session, library 4, four sessions), each alone on the file; server: `%s`.%s%n",
          mcpOne,
          100 * mcpOne / libraryOne,
          mcpFour,
          100 * mcpFour / libraryFour,
          libraryOne,
          libraryFour,
          GOAL_ONE_SESSION,
          mcpOne >= GOAL_ONE_SESSION ? "met" : "not met",
          mcpOne,
          windowSeconds,
          WARM_UP.toSeconds(),
          command,
          reason.isEmpty() ? "" : " " + reason);
    }
  }

  /** Measures with the CLI under {@code root}, or says why it could not. */
  public static Result measure(Path root, Duration window, Consumer<String> log) {
    Path jar = root.resolve("backlog-cli/target/backlog.jar");
    Path launcher = root.resolve("backlog");
    String shown = "./backlog mcp";
    if (!Files.isRegularFile(jar) || !Files.isExecutable(launcher)) {
      return Result.notMeasured(
          shown,
          "the launcher ./backlog and the CLI jar backlog-cli/target/backlog.jar are needed;"
              + " build the CLI first (./mvnw -pl backlog-cli -am package)");
    }
    Path home = null;
    try {
      home = Files.createTempDirectory("backlog-bench-mcp");
      log.accept("mcp: seeding " + CARDS + " cards");
      seed(home);
      double seconds = window.toMillis() / 1000.0;
      log.accept("mcp: library in-process, 1 thread");
      double libOne = library(home, window, 1);
      log.accept("mcp: one stdio session");
      double mcpOne = sessions(launcher, home, window, 1);
      log.accept("mcp: library in-process, 4 threads");
      double libFour = library(home, window, 4);
      log.accept("mcp: four stdio sessions");
      double mcpFour = sessions(launcher, home, window, 4);
      return new Result("measured", mcpOne, mcpFour, libOne, libFour, seconds, shown, "");
    } catch (IOException | RuntimeException e) {
      return Result.notMeasured(shown, "the MCP server could not be measured: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.notMeasured(shown, "interrupted");
    } finally {
      if (home != null) {
        deleteTree(home);
      }
    }
  }

  /** The library in-process on the H2 file, {@code threads} workers at once: pairs/s. */
  private static double library(Path home, Duration window, int threads)
      throws InterruptedException {
    try (Backlog backlog =
        Backlog.builder()
            .store(
                JdbcBacklogStore.builder()
                    .url(JdbcBacklogStore.defaultH2Url(home))
                    .maxPoolSize(threads + 2)
                    .build())
            .build()) {
      List<Pair> workers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        workers.add(library(backlog, "lib-" + threads + "-" + i));
      }
      return rate(window, workers);
    }
  }

  /** {@code count} {@code backlog mcp} processes at once: pairs/s. */
  private static double sessions(Path launcher, Path home, Duration window, int count)
      throws InterruptedException {
    List<Session> all = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        all.add(Session.start(launcher, home, "bench-" + count + "-" + i));
      }
      return rate(window, all);
    } finally {
      all.forEach(Session::close);
    }
  }

  /** One worker: a claim+complete pair per call; false when nothing was claimable. */
  interface Pair {
    boolean run() throws Exception;
  }

  private static Pair library(Backlog backlog, String owner) {
    return () -> {
      Optional<Claim> claim = backlog.claimOne(owner, Duration.ofMinutes(15));
      if (claim.isEmpty()) {
        return false;
      }
      backlog.complete(claim.get().card().id(), claim.get().token());
      return true;
    };
  }

  /** Warms every worker up, then runs them all for the window; returns the summed pairs/s. */
  static double rate(Duration window, List<? extends Pair> workers) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(workers.size());
    try {
      List<Callable<Long>> warm = new ArrayList<>();
      for (Pair p : workers) {
        long warmEnd = System.nanoTime() + WARM_UP.toNanos();
        warm.add(() -> loop(p, warmEnd, Long.MAX_VALUE));
      }
      for (Future<Long> f : pool.invokeAll(warm)) {
        get(f);
      }
      List<Callable<Long>> timed = new ArrayList<>();
      long start = System.nanoTime();
      long end = start + window.toNanos();
      for (Pair p : workers) {
        timed.add(() -> loop(p, end, Long.MAX_VALUE));
      }
      long pairs = 0;
      for (Future<Long> f : pool.invokeAll(timed)) {
        pairs += get(f);
      }
      return pairs / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long loop(Pair p, long endNanos, long maxPairs) throws Exception {
    long n = 0;
    while (n < maxPairs && System.nanoTime() < endNanos) {
      if (!p.run()) {
        throw new IllegalStateException("the backlog ran out of cards; seed more than " + CARDS);
      }
      n++;
    }
    return n;
  }

  private static long get(Future<Long> f) throws InterruptedException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** One {@code backlog mcp} process and its client. */
  private static final class Session implements Pair, AutoCloseable {
    private final McpSyncClient client;

    private Session(McpSyncClient client) {
      this.client = client;
    }

    static Session start(Path launcher, Path home, String name) {
      ServerParameters parameters =
          ServerParameters.builder(launcher.toAbsolutePath().toString())
              .args(List.of("--home", home.toString(), "mcp"))
              .env(Map.of("BACKLOG_NO_BUILD", "1"))
              .build();
      McpSyncClient client =
          McpClient.sync(new StdioClientTransport(parameters, MAPPER))
              .clientInfo(Implementation.builder(name, "1").build())
              .requestTimeout(Duration.ofSeconds(60))
              .initializationTimeout(Duration.ofSeconds(60))
              .build();
      client.initialize();
      return new Session(client);
    }

    @Override
    public boolean run() {
      CallToolResult claimed = client.callTool(call("claim_next", Map.of()));
      Object card = structured(claimed).get("card");
      if (claimed.isError() || !(card instanceof Map<?, ?> c)) {
        return false;
      }
      Object token = ((Map<?, ?>) c.get("lease")).get("token");
      CallToolResult done =
          client.callTool(call("complete", Map.of("id", c.get("id"), "token", token)));
      if (done.isError()) {
        throw new IllegalStateException("complete was refused: " + done.content());
      }
      return true;
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
      return CallToolRequest.builder(tool).arguments(arguments).build();
    }

    private static Map<?, ?> structured(CallToolResult r) {
      return r.structuredContent() instanceof Map<?, ?> m ? m : Map.of();
    }

    @Override
    public void close() {
      client.closeGracefully();
    }
  }

  private static void seed(Path home) {
    try (Backlog backlog =
        Backlog.builder()
            .store(JdbcBacklogStore.builder().url(JdbcBacklogStore.defaultH2Url(home)).build())
            .build()) {
      for (int from = 0; from < CARDS; from += 5_000) {
        int first = from;
        backlog.inTransaction(
            tx -> {
              for (int i = first; i < first + 5_000; i++) {
                tx.create(
                    NewCard.builder(CardId.of(Workers.id("MCP-", i)))
                        .title("mcp benchmark card " + i)
                        .build());
              }
              return null;
            });
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory.
    }
  }
}
