package dev.backlog.cli.internal;

import dev.backlog.core.CardId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

/**
 * Warms the database code on a second thread while the main thread parses the command line: runs
 * a few statements through the SQL library against a private in-memory H2 database, so that the
 * classes the command's real store needs are loaded and initialized by the time it opens. Touches
 * no file, no environment and no shared state; a failure only means no warm-up.
 *
 * <p>Thread-safe; each call starts its own daemon thread.
 */
public final class Warmup {

  /** The commands that open the backlog store. */
  static final Set<String> STORE_COMMANDS = Set.of("create", "show", "list", "claim", "renew", "complete",
      "release", "fail", "reclaim", "block", "unblock", "reopen", "link", "unlink", "stats", "graph", "events",
      "import", "export");

  private Warmup() {
  }

  /**
   * Starts warming up when the command line names a command that opens the store, unless the
   * system property {@code backlog.warmup} is {@code false}.
   */
  public static void startFor(String... args) {
    String command = Commands.commandName(args);
    if (command != null && STORE_COMMANDS.contains(command) && !"false".equals(System.getProperty("backlog.warmup"))) {
      // Logging starts here, on this thread: loggers first asked for by two threads at once while
      // slf4j starts would drop messages (and slf4j would say so on stderr).
      LoggerFactory.getILoggerFactory();
      Thread thread = new Thread(Warmup::run, "backlog-warmup");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Classes on the path of opening a store on the default H2 file that the in-memory run does not
   * reach; initializing them here is cheap and spares the command the wait.
   */
  private static final List<String> CLASSES = List.of("org.h2.store.FileLock", "org.h2.server.TcpServer",
      "org.h2.mvstore.SingleFileStore", "org.h2.store.fs.disk.FilePathDisk", "com.zaxxer.hikari.HikariConfig",
      "com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.pool.HikariPool", "dev.backlog.jdbc.JdbcBacklogStore",
      "dev.backlog.core.Backlog");

  /**
   * What opening the default H2 file in auto-server mode does once per process, first: its lock
   * file gets a random id (H2's secure random, seeded on a thread of its own) and a time stamp
   * (written by {@link Properties#store}, whose {@link Date#toString} loads the time-zone names),
   * and the auto-server looks up the local host and opens a server socket (the network classes).
   */
  private static void warmFileOpening(ClassLoader loader) {
    try {
      Class.forName("org.h2.util.MathUtils", true, loader).getMethod("secureRandomBytes", int.class).invoke(null, 1);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // Only a warm-up.
    }
    String.valueOf(new Date());
    try {
      new ServerSocket().close();
      InetAddress.getLocalHost();
    } catch (IOException | RuntimeException e) {
      // Only a warm-up.
    }
  }

  private static void run() {
    ClassLoader loader = Warmup.class.getClassLoader();
    warmFileOpening(loader);
    for (String name : CLASSES) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // Only a warm-up.
      }
    }
    try {
      // The schema check hashes the migration scripts; the security providers start on first use.
      MessageDigest.getInstance("SHA-256").digest(new byte[1]);
    } catch (NoSuchAlgorithmException e) {
      // Only a warm-up.
    }
    try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:", "", "");
        Handle h = Jdbi.create(connection).open()) {
      h.begin();
      h.execute("CREATE TABLE warmup (id VARCHAR(64) PRIMARY KEY, n BIGINT, at TIMESTAMP(6) WITH TIME ZONE)");
      h.createUpdate("INSERT INTO warmup (id, n, at) VALUES (:id, :n, :at)").bind("id", "a").bind("n", 1L)
          .bindByType("at", OffsetDateTime.now(ZoneOffset.UTC), OffsetDateTime.class).execute();
      h.prepareBatch("UPDATE warmup SET n = n + :d WHERE id = :id").bind("d", 1).bind("id", "a").add().execute();
      h.createQuery("SELECT id, n, at FROM warmup WHERE id = :id AND n >= :n ORDER BY id LIMIT :limit")
          .bind("id", "a").bind("n", 0L).bind("limit", 1)
          .map((rs, ctx) -> rs.getString(1) + rs.getLong(2) + rs.getObject(3, OffsetDateTime.class)).findOne();
      h.createQuery("SELECT COUNT(*) FROM warmup").mapTo(Long.class).one();
      h.commit();
      // The hand-over check on close (H2Handover) reads the session table.
      h.createQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SERVER IS NOT NULL")
          .mapTo(Long.class).one();
    } catch (SQLException | RuntimeException e) {
      // Only a warm-up: the command itself reports any real problem with the database code.
    }
    // A record's first equals and hashCode link its generated methods (trees of method handles);
    // the claim's path compares card ids.
    Set<CardId> ids = new HashSet<>();
    ids.add(CardId.of("warm-up"));
    ids.add(CardId.of("warm-up"));
  }
}
