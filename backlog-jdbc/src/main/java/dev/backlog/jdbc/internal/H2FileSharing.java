package dev.backlog.jdbc.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.LoggerFactory;

/**
 * The policy behind {@code JdbcBacklogStore.Builder.sharedH2File}: the open lock in the home, a
 * brief store's file kept to its process, a long-running store's auto-server URL opened under the
 * lock, and the hand-over on close ({@link H2Handover}). The only class of the store that touches
 * {@code org.h2} classes, so H2 is needed on the class path only when the option is used.
 *
 * <p>Stateless; each {@link Opening} belongs to one thread until its store is built.
 */
public final class H2FileSharing {

  private static final String OPEN_LOCK = H2SharedFile.OPEN_LOCK_FILE;
  private static final String DATABASE_FILE = H2SharedFile.DATABASE_FILE;
  private static final String SERVER_LOCK = H2SharedFile.SERVER_LOCK_FILE;

  private H2FileSharing() {}

  /** What the store does around its own close: nothing, or release what the opening kept. */
  public interface Closing {
    /** Nothing before or after. */
    Closing NONE = new Closing() {};

    /** Runs before the store closes its connections. */
    default void beforeClose() {}

    /** Runs after the store closed its connections, even when that failed. */
    default void afterClose() {}
  }

  /**
   * A store being opened on the shared file: what to open it on (a URL or a data source), then
   * {@link #opened} once the store is built, or {@link #failed} when it could not be.
   */
  public interface Opening {
    /** The URL to open the store on, or null when it opens on {@link #dataSource}. */
    String url();

    /** The data source to open the store on, or null when it opens on {@link #url}. */
    DataSource dataSource();

    /** The data source's name for messages, or null. */
    String dataSourceName();

    /** The store was built: releases what only opening needed; returns what its close must add. */
    Closing opened();

    /** The store could not be built: releases everything. */
    void failed();
  }

  /**
   * Starts opening a shared H2 file.
   *
   * @param home the backlog home (its default file), or null for {@code autoServerUrl} as given
   * @param autoServerUrl the file's URL in auto-server mode
   * @param brief whether the store keeps the file to this process while open
   * @param turnWait how long to wait for the open lock
   * @param user the database user, or null
   * @param password the database password, or null
   * @param maxPoolSize the most connections of a brief store's pool
   */
  public static Opening begin(
      Path home,
      String autoServerUrl,
      boolean brief,
      Duration turnWait,
      String user,
      String password,
      int maxPoolSize) {
    Secrets secrets = Secrets.of(autoServerUrl, password);
    if (home == null) {
      return new Shared(durable(autoServerUrl), null, null, user, password);
    }
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new StoreUnavailableException(
          "cannot create the backlog home " + home + " (" + e + "); choose a writable directory",
          e);
    }
    String url = durable(autoServerUrl) + compaction(home);
    if (brief) {
      Opening exclusive = exclusive(home, turnWait, user, password, maxPoolSize, secrets);
      if (exclusive != null) {
        return exclusive;
      }
    }
    // Opened under the open lock, so that processes starting together open the file one after the
    // other: the first becomes the process that serves it, the rest connect to it, instead of
    // racing
    // for the file. A brief store that holds the lock is waited for.
    return new Shared(url, home, lockHome(home, turnWait), user, password);
  }

  /**
   * Opens the default file kept to this process until the store closes: holds the open lock all
   * that time, so that other processes wait their turn, and opens the file with H2's
   * operating-system file lock and no server, which skips the auto-server start (its lock-file
   * protocol sleeps, it starts a TCP server and a management database, and the hand-over on close).
   * Returns null, holding nothing, when another process serves the file in auto-server mode: the
   * store then connects to that process.
   */
  private static Opening exclusive(
      Path home,
      Duration turnWait,
      String user,
      String password,
      int maxPoolSize,
      Secrets secrets) {
    FileChannel channel = lockHome(home, turnWait);
    if (channel == null) {
      return null;
    }
    JdbcConnectionPool pool = null;
    try {
      if (Files.exists(home.resolve(SERVER_LOCK))) {
        release(channel, home);
        return null;
      }
      pool =
          JdbcConnectionPool.create(
              exclusiveUrl(home), user == null ? "" : user, password == null ? "" : password);
      pool.setMaxConnections(maxPoolSize);
      try {
        // Opens the file; it stays open while the pool keeps this connection.
        pool.getConnection().close();
      } catch (SQLException e) {
        if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
          // A program that does not take the open lock holds the file: share it instead.
          pool.dispose();
          release(channel, home);
          return null;
        }
        throw new StoreUnavailableException(
            "cannot open the backlog database "
                + home.resolve(DATABASE_FILE)
                + " ("
                + secrets.scrub(String.valueOf(e.getMessage()))
                + "); check that the backlog home "
                + home
                + " is readable and writable",
            SqlErrors.sanitized(e, secrets));
      }
      return new Exclusive(pool, channel, home);
    } catch (RuntimeException | Error e) {
      if (pool != null) {
        pool.dispose();
      }
      release(channel, home);
      if (e instanceof Error error) {
        throw error;
      }
      throw e instanceof BacklogException
          ? (BacklogException) e
          : new StoreUnavailableException(
              "cannot open the backlog database "
                  + home.resolve(DATABASE_FILE)
                  + " ("
                  + secrets.scrub(String.valueOf(e.getMessage()))
                  + ")",
              SqlErrors.sanitized(e, secrets));
    }
  }

  /** The URL of the default H2 file kept to one process: H2's file-system lock, no server. */
  static String exclusiveUrl(Path home) {
    String dir = home.toString().replace('\\', '/');
    return durable(
            "jdbc:h2:file:"
                + dir
                + "/backlog;FILE_LOCK=FS;LOCK_TIMEOUT="
                + JdbcBacklogStore.H2_LOCK_TIMEOUT.toMillis())
        + compaction(home);
  }

  /**
   * {@code url} with H2's {@code WRITE_DELAY=0} (unless it names a write delay itself): every
   * commit writes the file before it returns. With H2's default delay a commit returns at once and
   * the file is written later, in the background or at close; when that write fails (a full disk)
   * H2 drops the changes without an error, so a command that reported success, and that other
   * processes served by the same file had already read, is lost when the file is next opened (its
   * event seqs then go to other events). Measured on a full tmpfs with H2 2.3.232: with the delay,
   * commit and close both succeed and the row is gone after reopening; without it, the statement
   * fails with "Writing to … failed" and nothing is lost.
   */
  static String durable(String url) {
    return url.toLowerCase(java.util.Locale.ROOT).contains(";write_delay=")
        ? url
        : url + ";WRITE_DELAY=0";
  }

  /**
   * The URL setting that switches H2's compaction on close off while the default file is below
   * {@link H2SharedFile#COMPACT_ABOVE_BYTES}; empty (H2's default, compacting) from that size on.
   * The setting matters only to the process that opens the file; one that connects to another's
   * file ignores it.
   */
  public static String compaction(Path home) {
    long size;
    try {
      size = Files.size(home.resolve(DATABASE_FILE));
    } catch (IOException e) {
      size = 0;
    }
    return size >= H2SharedFile.COMPACT_ABOVE_BYTES ? "" : ";MAX_COMPACT_TIME=0";
  }

  /**
   * Takes the open lock in the home, waiting up to {@code turnWait} for the processes before this
   * one; null when the lock cannot be used (the file system refuses it, or this process holds it
   * already): the store then goes on without it.
   */
  private static FileChannel lockHome(Path home, Duration turnWait) {
    Path lockFile = home.resolve(OPEN_LOCK);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      LoggerFactory.getLogger(H2FileSharing.class)
          .debug("cannot open {} ({}); going on without it", lockFile, e.toString());
      return null;
    }
    long deadline = System.nanoTime() + turnWait.toNanos();
    long pause = 2;
    try {
      while (true) {
        try {
          if (channel.tryLock() != null) {
            return channel;
          }
        } catch (OverlappingFileLockException e) {
          // This process holds it already (another store open in the same process).
          channel.close();
          return null;
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new StoreUnavailableException(
              "the backlog database in "
                  + home
                  + " has been in use by another"
                  + " process for "
                  + (turnWait.toMillis() % 1000 == 0
                      ? turnWait.toSeconds() + " s"
                      : turnWait.toMillis() + " ms")
                  + "; find the backlog process that does not finish"
                  + " (it holds "
                  + lockFile
                  + ") and stop it, then try again",
              null);
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 20);
      }
    } catch (IOException e) {
      LoggerFactory.getLogger(H2FileSharing.class)
          .debug("cannot lock {} ({}); going on without it", lockFile, e.toString());
      closeQuietly(channel, lockFile);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel, lockFile);
      throw new StoreUnavailableException(
          "interrupted while waiting for the backlog database in " + home, e);
    }
  }

  private static void release(FileChannel channel, Path home) {
    if (channel != null) {
      closeQuietly(channel, home.resolve(OPEN_LOCK));
    }
  }

  private static void closeQuietly(FileChannel channel, Path lockFile) {
    try {
      channel.close();
    } catch (IOException e) {
      LoggerFactory.getLogger(H2FileSharing.class)
          .debug("cannot release {} ({})", lockFile, e.toString());
    }
  }

  /**
   * The file kept to this process: the pool and the open lock are released after the store closed.
   */
  private static final class Exclusive implements Opening, Closing {
    private final JdbcConnectionPool pool;
    private final FileChannel channel;
    private final Path home;

    Exclusive(JdbcConnectionPool pool, FileChannel channel, Path home) {
      this.pool = pool;
      this.channel = channel;
      this.home = home;
    }

    @Override
    public String url() {
      return null;
    }

    @Override
    public DataSource dataSource() {
      return pool;
    }

    @Override
    public String dataSourceName() {
      return "H2 file " + home.resolve(DATABASE_FILE);
    }

    @Override
    public Closing opened() {
      return this;
    }

    @Override
    public void failed() {
      afterClose();
    }

    @Override
    public void afterClose() {
      try {
        pool.dispose();
      } finally {
        release(channel, home);
      }
    }
  }

  /**
   * The file shared in auto-server mode: the open lock (if any) is released once the store is open.
   */
  private static final class Shared implements Opening {
    private final String url;
    private final Path home;
    private final FileChannel channel;
    private final String user;
    private final String password;

    Shared(String url, Path home, FileChannel channel, String user, String password) {
      this.url = url;
      this.home = home;
      this.channel = channel;
      this.user = user;
      this.password = password;
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    public DataSource dataSource() {
      return null;
    }

    @Override
    public String dataSourceName() {
      return null;
    }

    @Override
    public Closing opened() {
      release(channel, home);
      return new H2Handover(url, user, password);
    }

    @Override
    public void failed() {
      release(channel, home);
    }
  }
}
