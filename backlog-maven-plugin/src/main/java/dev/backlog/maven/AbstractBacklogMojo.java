package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Where the backlog is, for every goal. */
abstract class AbstractBacklogMojo extends AbstractMojo {

  /**
   * The JDBC URL of the backlog database, e.g. {@code jdbc:postgresql://db:5432/backlog}. Default:
   * the H2 file the CLI uses under {@code backlog.home}, opened so that the CLI and builds share
   * it.
   */
  @Parameter(property = "backlog.url")
  String url;

  /**
   * The id of a &lt;server&gt; in {@code settings.xml} whose username and password (decrypted when
   * encrypted) log in to the database. They are never logged.
   */
  @Parameter(property = "backlog.serverId")
  String serverId;

  /**
   * The backlog home holding the default H2 file. Default: {@code $BACKLOG_HOME} or {@code
   * ~/.backlog}.
   */
  @Parameter(property = "backlog.home")
  String home;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  @Inject SettingsDecrypter decrypter;

  StoreOptions storeOptions() {
    return new StoreOptions(url, serverId, home);
  }

  /**
   * Opens the backlog; a store failure becomes a {@link MojoExecutionException} without secrets.
   */
  Backlog openBacklog(String actor) throws MojoExecutionException {
    try {
      return storeOptions().open(session, decrypter, actor);
    } catch (BacklogException | IllegalArgumentException e) {
      throw new MojoExecutionException("backlog: " + e.getMessage(), e);
    }
  }
}
