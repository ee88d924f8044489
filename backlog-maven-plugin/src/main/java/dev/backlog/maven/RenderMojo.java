package dev.backlog.maven;

import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigLoader;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.spi.TrackerProvider;
import java.nio.file.Path;
import java.time.InstantSource;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Re-renders the roadmap of the configured tracker (ROADMAP.md for the default local tracker), as
 * {@code backlog tracker render} does. The tracker comes from the {@code "tracker"} block of the
 * project's {@code .backlog/config.json} (found from the execution root upwards) or the home's
 * config; CHANGELOG.md entries are written by {@code backlog tracker sync}.
 */
@Mojo(name = "render", threadSafe = true, requiresProject = false)
public class RenderMojo extends AbstractBacklogMojo {

  @Override
  public void execute() throws MojoExecutionException {
    Path home = storeOptions().homeDir();
    Path dir = Path.of(session.getExecutionRootDirectory());
    try {
      Path projectDir =
          TrackerConfigLoader.findProjectDir(dir)
              .filter(
                  d ->
                      !d.resolve(TrackerConfigLoader.PROJECT_CONFIG)
                          .toAbsolutePath()
                          .normalize()
                          .equals(
                              home.resolve(TrackerConfigLoader.HOME_CONFIG)
                                  .toAbsolutePath()
                                  .normalize()))
              .orElse(null);
      TrackerConfig config = TrackerConfigLoader.load(projectDir, home);
      TrackerProviders providers = TrackerProviders.discover(RenderMojo.class.getClassLoader());
      try (TrackerProvider provider = providers.open(config, InstantSource.system())) {
        int features = provider.listFeatures().size();
        provider.renderRoadmap();
        getLog()
            .info(
                "backlog: rendered the roadmap of "
                    + features
                    + (features == 1 ? " feature in the " : " features in the ")
                    + provider.id()
                    + " tracker");
      }
    } catch (RuntimeException e) {
      throw new MojoExecutionException("backlog: " + e.getMessage(), e);
    }
  }
}
