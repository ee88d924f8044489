import dev.backlog.core.Backlog;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-card claim+complete throughput of one build of the library, through its public API only,
 * so that the same source runs against the jars of two commits (see docs/storage.md, "Before and
 * after the dialect split"). Usage:
 *   java -cp CLASSPATH SideBySide pg-server FILE      starts an embedded PostgreSQL, writes its URL to FILE
 *   java -cp CLASSPATH SideBySide run KIND WORKERS SECONDS [PG_URL]   KIND: h2mem, h2file, pg
 * and prints one line: "KIND WORKERS <pairs per second>".
 */
public final class SideBySide {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("pg-server")) {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
          .setServerConfig("max_connections", "100").start();
      Files.writeString(Path.of(args[1]), pg.getJdbcUrl("postgres", "postgres"));
      Thread.sleep(Long.MAX_VALUE);
    }
    String kind = args[1];
    int workers = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String url;
    switch (kind) {
      case "h2mem" -> url = "jdbc:h2:mem:sbs" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      case "h2file" -> url = "jdbc:h2:file:" + Files.createTempDirectory("sbs") + "/b";
      case "pg" -> {
        String schema = "s" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(args[4]); Statement s = c.createStatement()) {
          s.execute("CREATE SCHEMA " + schema);
        }
        url = args[4] + (args[4].contains("?") ? "&" : "?") + "currentSchema=" + schema;
      }
      default -> throw new IllegalArgumentException(kind);
    }
    int cards = 20_000;
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).maxPoolSize(workers + 2).build();
         Backlog backlog = Backlog.builder().store(store).build()) {
      for (int i = 0; i < cards; i += 500) {
        int from = i;
        backlog.inTransaction(tx -> {
          for (int k = from; k < from + 500; k++) {
            tx.create(NewCard.builder("c" + k).title("card " + k).priority(k % 5).build());
          }
          return null;
        });
      }
      runFor(backlog, workers, Math.max(2, seconds / 3));
      long done = runFor(backlog, workers, seconds);
      System.out.printf(Locale.ROOT, "%s %d %.1f%n", kind, workers, done / (double) seconds);
    }
    System.exit(0);
  }

  private static long runFor(Backlog backlog, int workers, int seconds) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    ClaimRequest request = ClaimRequest.builder("w").ttl(Duration.ofMinutes(5)).build();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          List<Claim> claims = backlog.claim(request);
          if (claims.isEmpty()) {
            return;
          }
          backlog.complete(claims.get(0).card().id(), claims.get(0).token());
          done.incrementAndGet();
        }
      });
      t.start();
      threads.add(t);
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    return done.get();
  }
}
