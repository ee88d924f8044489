package dev.backlog.cli.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.LoggerFactory;

/**
 * Opens the JDBC store: the URL from the settings, or the default H2 file under the backlog home
 * (created when missing), which several processes may use at once. Stateless and thread-safe.
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

  @Override
  public BacklogStore open(Settings settings, int maxPoolSize) {
    String url = settings.dbUrl();
    if (url == null) {
      try {
        Files.createDirectories(settings.home());
      } catch (IOException e) {
        throw new StoreUnavailableException("cannot create the backlog home " + settings.home() + " (" + e
            + "); choose a writable directory with --home or BACKLOG_HOME", e);
      }
      url = JdbcBacklogStore.defaultH2Url(settings.home()) + compaction(settings.home());
    }
    // Only the default file gets the open lock below; its home exists by now.
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder().url(url).maxPoolSize(maxPoolSize);
    if (settings.dbUser() != null) {
      builder.username(settings.dbUser());
    }
    if (settings.dbPassword() != null) {
      builder.password(settings.dbPassword());
    }
    try {
      BacklogStore store = settings.dbUrl() == null ? openSerialized(settings, builder) : builder.build();
      return H2Handover.wrap(store, url, settings.dbUser(), settings.dbPassword());
    } catch (BacklogException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot open the backlog database " + settings.displayUrl() + " ("
          + settings.redaction().apply(String.valueOf(e.getMessage())) + "); check --db, BACKLOG_DB_URL or the"
          + " config files", e);
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
   * opening.
   */
  private static BacklogStore openSerialized(Settings settings, JdbcBacklogStore.Builder builder) {
    Path lockFile = settings.home().resolve(OPEN_LOCK);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      channel.lock();
    } catch (IOException e) {
      LoggerFactory.getLogger(JdbcStoreOpener.class).debug("cannot lock {} ({}); opening without it", lockFile,
          e.toString());
    }
    try {
      return builder.build();
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LoggerFactory.getLogger(JdbcStoreOpener.class).debug("cannot release {} ({})", lockFile, e.toString());
        }
      }
    }
  }
}
