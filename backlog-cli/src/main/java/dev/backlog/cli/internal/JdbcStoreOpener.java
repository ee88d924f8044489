package dev.backlog.cli.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Opens the JDBC store: the URL from the settings, or the default H2 file under the backlog home
 * (created when missing), shared with other processes through {@link H2SharedFile}: a brief command
 * opens it {@link H2SharedFile.Mode#BRIEF} (kept to itself while it runs; the others wait their
 * turn), a long-running one {@link H2SharedFile.Mode#LONG_RUNNING} (shared through H2's auto-server
 * mode). The policy itself is the library's, so that a host embedding it on the same file is as
 * safe as this command. Immutable and thread-safe.
 */
final class JdbcStoreOpener implements StoreOpener {

  private final Duration turnWait;

  /**
   * An opener whose brief commands wait up to {@link H2SharedFile#DEFAULT_TURN_WAIT} for their
   * turn.
   */
  JdbcStoreOpener() {
    this(H2SharedFile.DEFAULT_TURN_WAIT);
  }

  /** An opener whose commands wait up to {@code turnWait} for their turn. */
  JdbcStoreOpener(Duration turnWait) {
    this.turnWait = turnWait;
  }

  @Override
  public BacklogStore open(Settings settings, int maxPoolSize, boolean brief) {
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder().maxPoolSize(maxPoolSize);
    if (settings.dbUser() != null) {
      builder.username(settings.dbUser());
    }
    if (settings.dbPassword() != null) {
      builder.password(settings.dbPassword());
    }
    String url = settings.dbUrl();
    if (url == null) {
      try {
        Files.createDirectories(settings.home());
      } catch (IOException e) {
        throw new StoreUnavailableException(
            "cannot create the backlog home "
                + settings.home()
                + " ("
                + e
                + "); choose a writable directory with --home or BACKLOG_HOME",
            e);
      }
      builder.sharedH2File(
          H2SharedFile.of(
                  settings.home(), brief ? H2SharedFile.Mode.BRIEF : H2SharedFile.Mode.LONG_RUNNING)
              .withTurnWait(turnWait));
    } else if (H2SharedFile.isAutoServerUrl(url)) {
      // Another H2 file in auto-server mode: no open lock, but the hand-over on close.
      builder.sharedH2File(H2SharedFile.autoServerUrl(url));
    } else {
      builder.url(url);
    }
    try {
      return builder.build();
    } catch (BacklogException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(
          "cannot open the backlog database "
              + settings.displayUrl()
              + " ("
              + settings.redaction().apply(String.valueOf(e.getMessage()))
              + "); check --db, BACKLOG_DB_URL or the"
              + " config files",
          e);
    }
  }
}
