package dev.backlog.cli.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Opens the JDBC store: the URL from the settings, or the default H2 file under the backlog home
 * (created when missing), which several processes may use at once. Stateless and thread-safe.
 */
final class JdbcStoreOpener implements StoreOpener {

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
      url = JdbcBacklogStore.defaultH2Url(settings.home());
    }
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder().url(url).maxPoolSize(maxPoolSize);
    if (settings.dbUser() != null) {
      builder.username(settings.dbUser());
    }
    if (settings.dbPassword() != null) {
      builder.password(settings.dbPassword());
    }
    try {
      return builder.build();
    } catch (BacklogException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot open the backlog database " + settings.displayUrl() + " ("
          + settings.redaction().apply(String.valueOf(e.getMessage())) + "); check --db, BACKLOG_DB_URL or the"
          + " config files", e);
    }
  }
}
