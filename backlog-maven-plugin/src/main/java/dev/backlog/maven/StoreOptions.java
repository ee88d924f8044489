package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Where the backlog is: a JDBC URL with credentials from a {@code settings.xml} server, or the
 * default H2 file under the backlog home, shared with the CLI ({@link
 * H2SharedFile.Mode#LONG_RUNNING}). Immutable; {@link #toString()} never shows credentials.
 *
 * @param url the JDBC URL, or null for the default H2 file
 * @param serverId the {@code settings.xml} server holding the database credentials, or null
 * @param home the backlog home, or null for {@code $BACKLOG_HOME} or {@code ~/.backlog}
 */
record StoreOptions(String url, String serverId, String home) {

  /** The options from user and system properties (what the build extension reads). */
  static StoreOptions fromProperties(MavenSession session) {
    return new StoreOptions(
        Props.get(session, "backlog.url"),
        Props.get(session, "backlog.serverId"),
        Props.get(session, "backlog.home"));
  }

  /** The backlog home: the option, {@code $BACKLOG_HOME}, or {@code ~/.backlog}. */
  Path homeDir() {
    if (home != null && !home.isBlank()) {
      return Path.of(home).toAbsolutePath();
    }
    String env = System.getenv("BACKLOG_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".backlog");
  }

  /**
   * Opens the backlog, attributing events to {@code actor}.
   *
   * @throws BacklogException when the store cannot be opened; the message holds no credentials
   */
  Backlog open(MavenSession session, SettingsDecrypter decrypter, String actor) {
    JdbcBacklogStore.Builder builder = JdbcBacklogStore.builder().maxPoolSize(4);
    if (serverId != null && !serverId.isBlank()) {
      Server server = session.getSettings().getServer(serverId);
      if (server == null) {
        throw new IllegalArgumentException(
            "backlog.serverId names server '"
                + serverId
                + "', which settings.xml does not define; add a <server> with that id");
      }
      SettingsDecryptionResult result =
          decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
      Server plain = result.getServer() == null ? server : result.getServer();
      if (plain.getUsername() != null) {
        builder.username(plain.getUsername());
      }
      if (plain.getPassword() != null) {
        builder.password(plain.getPassword());
      }
    }
    if (url == null || url.isBlank()) {
      Path dir = homeDir();
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot create the backlog home "
                + dir
                + " ("
                + e
                + "); set backlog.home to a writable directory",
            e);
      }
      builder.sharedH2File(H2SharedFile.of(dir, H2SharedFile.Mode.LONG_RUNNING));
    } else if (H2SharedFile.isAutoServerUrl(url)) {
      builder.sharedH2File(H2SharedFile.autoServerUrl(url));
    } else {
      builder.url(url);
    }
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(StoreOptions.class.getClassLoader());
    try {
      JdbcBacklogStore store = builder.build();
      return Backlog.builder().store(store).actor(actor).build();
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Override
  public String toString() {
    return "StoreOptions[url="
        + (url == null ? "(default H2 file under " + homeDir() + ")" : "(set)")
        + ", serverId="
        + serverId
        + "]";
  }
}
