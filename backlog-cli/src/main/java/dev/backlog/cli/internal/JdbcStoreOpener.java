package dev.backlog.cli.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.LoggerFactory;

/**
 * Opens the JDBC store: the URL from the settings, or the default H2 file under the backlog home
 * (created when missing), which several processes may use at once: a brief command keeps it to
 * itself while it runs (the others wait their turn), a long-running one shares it through H2's
 * auto-server mode. Immutable and thread-safe.
 */
final class JdbcStoreOpener implements StoreOpener {

  /** The lock file, in the home, that serializes opening the default H2 file. */
  static final String OPEN_LOCK = ".open.lock";

  /**
   * The size from which the default H2 file is compacted when the last process closes it. H2
   * compacts the file on every close by default, which costs a short command tens of milliseconds
   * (more under load); a smaller file is closed without compacting and grows by some kilobytes per
   * writing command until it reaches this size, when the next close compacts it again.
   */
  static final long COMPACT_ABOVE_BYTES = 1L << 20;

  /** The longest a brief command waits for the other processes using the default H2 file. */
  static final Duration HOLD_WAIT = Duration.ofSeconds(60);

  /**
   * The file H2 keeps next to the database while a process serves it to others (auto-server
   * mode); a process that keeps the file to itself does not make one.
   */
  static final String SERVER_LOCK = "backlog.lock.db";

  private final Duration holdWait;

  /** An opener whose brief commands wait up to {@link #HOLD_WAIT} for their turn. */
  JdbcStoreOpener() {
    this(HOLD_WAIT);
  }

  /** An opener whose brief commands wait up to {@code holdWait} for their turn. */
  JdbcStoreOpener(Duration holdWait) {
    this.holdWait = holdWait;
  }

  @Override
  public BacklogStore open(Settings settings, int maxPoolSize, boolean brief) {
    if (settings.dbUrl() != null) {
      return openShared(settings, settings.dbUrl(), maxPoolSize, false);
    }
    try {
      Files.createDirectories(settings.home());
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot create the backlog home " + settings.home() + " (" + e
          + "); choose a writable directory with --home or BACKLOG_HOME", e);
    }
    if (brief) {
      BacklogStore store = openExclusive(settings, maxPoolSize);
      if (store != null) {
        return store;
      }
    }
    return openShared(settings, JdbcBacklogStore.defaultH2Url(settings.home()) + compaction(settings.home()),
        maxPoolSize, true);
  }

  /**
   * Opens the store at {@code url} through the store's own pool; {@code defaultFile} says the URL is
   * the default H2 file, which is opened under the open lock.
   */
  private BacklogStore openShared(Settings settings, String url, int maxPoolSize, boolean defaultFile) {
    try {
      JdbcBacklogStore.Builder builder = builder(settings, url, maxPoolSize);
      BacklogStore store = defaultFile ? openSerialized(settings, builder) : builder.build();
      return H2Handover.wrap(store, url, settings.dbUser(), settings.dbPassword());
    } catch (BacklogException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable(settings, e);
    }
  }

  private static JdbcBacklogStore.Builder builder(Settings settings, String url, int maxPoolSize) {
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder().url(url).maxPoolSize(maxPoolSize);
    if (settings.dbUser() != null) {
      builder.username(settings.dbUser());
    }
    if (settings.dbPassword() != null) {
      builder.password(settings.dbPassword());
    }
    return builder;
  }

  private static StoreUnavailableException unavailable(Settings settings, RuntimeException e) {
    return new StoreUnavailableException("cannot open the backlog database " + settings.displayUrl() + " ("
        + settings.redaction().apply(String.valueOf(e.getMessage())) + "); check --db, BACKLOG_DB_URL or the"
        + " config files", e);
  }

  /**
   * Opens the default H2 file for a brief command, kept to this process until the store closes:
   * holds the open lock in the home all that time, so that other processes of this CLI wait their
   * turn, and opens the file with H2's operating-system file lock and no server, which skips the
   * auto-server start (its lock-file protocol sleeps, it starts a TCP server and a management
   * database, and the hand-over on close). Returns null, holding nothing, when another process
   * serves the file in auto-server mode (a long-running command, or a program that embeds the
   * library): the command then connects to that process as usual.
   */
  private BacklogStore openExclusive(Settings settings, int maxPoolSize) {
    Path home = settings.home();
    FileChannel channel = lockHome(home);
    if (channel == null) {
      return null;
    }
    JdbcConnectionPool pool = null;
    try {
      if (Files.exists(home.resolve(SERVER_LOCK))) {
        release(channel, home);
        return null;
      }
      pool = JdbcConnectionPool.create(exclusiveUrl(home), settings.dbUser() == null ? "" : settings.dbUser(),
          settings.dbPassword() == null ? "" : settings.dbPassword());
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
        throw new StoreUnavailableException("cannot open the backlog database " + settings.displayUrl() + " ("
            + settings.redaction().apply(String.valueOf(e.getMessage())) + "); check that the backlog home "
            + home + " is readable and writable", e);
      }
      BacklogStore store = JdbcBacklogStore.builder()
          .dataSource(pool, "H2 file " + home.resolve("backlog.mv.db")).build();
      return new Exclusive(store, pool, channel, home);
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.dispose();
      }
      release(channel, home);
      throw e instanceof BacklogException ? e : unavailable(settings, e);
    }
  }

  /** The URL of the default H2 file kept to one process: H2's file-system lock, no server. */
  static String exclusiveUrl(Path home) {
    String auto = JdbcBacklogStore.defaultH2Url(home);
    return auto.substring(0, auto.indexOf(';')) + ";FILE_LOCK=FS;LOCK_TIMEOUT="
        + JdbcBacklogStore.H2_LOCK_TIMEOUT.toMillis() + compaction(home);
  }

  /**
   * Takes the open lock in the home, waiting up to the hold wait for the processes before this
   * one; null when the lock cannot be used (the file system refuses it, or this process holds it
   * already): the command then goes on without it.
   */
  private FileChannel lockHome(Path home) {
    Path lockFile = home.resolve(OPEN_LOCK);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      LoggerFactory.getLogger(JdbcStoreOpener.class).debug("cannot open {} ({}); going on without it", lockFile,
          e.toString());
      return null;
    }
    long deadline = System.nanoTime() + holdWait.toNanos();
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
          throw new StoreUnavailableException("the backlog database in " + home + " has been in use by another"
              + " process for " + (holdWait.toMillis() % 1000 == 0 ? holdWait.toSeconds() + " s"
              : holdWait.toMillis() + " ms") + "; find the backlog process that does not finish"
              + " (it holds " + lockFile + ") and stop it, then try again", null);
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 20);
      }
    } catch (IOException e) {
      LoggerFactory.getLogger(JdbcStoreOpener.class).debug("cannot lock {} ({}); going on without it", lockFile,
          e.toString());
      closeQuietly(channel, lockFile);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel, lockFile);
      throw new StoreUnavailableException("interrupted while waiting for the backlog database in " + home, e);
    }
  }

  private static void release(FileChannel channel, Path home) {
    closeQuietly(channel, home.resolve(OPEN_LOCK));
  }

  private static void closeQuietly(FileChannel channel, Path lockFile) {
    try {
      channel.close();
    } catch (IOException e) {
      LoggerFactory.getLogger(JdbcStoreOpener.class).debug("cannot release {} ({})", lockFile, e.toString());
    }
  }

  /** The store on the default H2 file kept to this process; closing it frees the file, then the lock. */
  private static final class Exclusive extends ForwardingStore {
    private final JdbcConnectionPool pool;
    private final FileChannel channel;
    private final Path home;

    Exclusive(BacklogStore delegate, JdbcConnectionPool pool, FileChannel channel, Path home) {
      super(delegate);
      this.pool = pool;
      this.channel = channel;
      this.home = home;
    }

    @Override
    public void close() {
      try {
        delegate.close();
      } finally {
        try {
          pool.dispose();
        } finally {
          release(channel, home);
        }
      }
    }
  }

  /**
   * The URL setting that switches H2's compaction on close off while the default file is below
   * {@link #COMPACT_ABOVE_BYTES}; empty (H2's default, compacting) from that size on. The setting
   * matters only to the process that opens the file; one that connects to another's file ignores it.
   */
  static String compaction(Path home) {
    long size;
    try {
      size = Files.size(home.resolve("backlog.mv.db"));
    } catch (IOException e) {
      size = 0;
    }
    return size >= COMPACT_ABOVE_BYTES ? "" : ";MAX_COMPACT_TIME=0";
  }

  /**
   * Opens the default H2 file while holding an OS file lock in the home, so that processes
   * starting together open it one after the other: the first becomes the host that serves the
   * file, the rest connect to it, instead of racing for the file. The lock is held only while
   * opening; a brief command that holds it is waited for as in {@link #lockHome}.
   */
  private BacklogStore openSerialized(Settings settings, JdbcBacklogStore.Builder builder) {
    FileChannel channel = lockHome(settings.home());
    try {
      return builder.build();
    } finally {
      if (channel != null) {
        release(channel, settings.home());
      }
    }
  }
}
