package dev.backlog.tracker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigException;
import dev.backlog.tracker.TrackerConfigLoader;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.spi.TrackerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTrackerFactoryTest {

  @TempDir Path home;
  @TempDir Path project;

  private TrackerProvider open(TrackerConfig config) {
    return TrackerProviders.discover(getClass().getClassLoader())
        .open(config, InstantSource.system());
  }

  @Test
  void theLocalProviderIsDiscoveredByIdThroughTheGivenClassLoader() {
    TrackerProviders providers = TrackerProviders.discover(getClass().getClassLoader());
    assertEquals(List.of("local"), providers.ids());
    assertTrue(providers.problems().isEmpty());
  }

  @Test
  void withoutAnyConfigTheRootIsTheTrackerDirectoryUnderTheHome() {
    try (TrackerProvider provider = open(TrackerConfigLoader.load(project, home))) {
      assertEquals(
          home.resolve("tracker").toAbsolutePath(), ((LocalTrackerProvider) provider).root());
    }
  }

  @Test
  void withAProjectConfigTheRootIsTheProjectAndRelativeSettingsResolveAgainstIt()
      throws IOException {
    Files.createDirectories(project.resolve(".backlog"));
    Files.writeString(project.resolve(".backlog/config.json"), "{}");
    try (TrackerProvider provider = open(TrackerConfigLoader.load(project, home))) {
      assertEquals(project.toAbsolutePath(), ((LocalTrackerProvider) provider).root());
    }
    Files.writeString(
        project.resolve(".backlog/config.json"),
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":\"docs/tracker\",\"roadmapPath\":\"PLAN.md\"}}}");
    try (TrackerProvider provider = open(TrackerConfigLoader.load(project, home))) {
      provider.createFeature(dev.backlog.tracker.Feature.builder("A1", "x").build());
      assertTrue(Files.isRegularFile(project.resolve("docs/tracker/PLAN.md")));
      assertTrue(Files.isRegularFile(project.resolve("docs/tracker/features/A1/feature.json")));
    }
  }

  @Test
  void anUnknownOrEscapingSettingFailsNamingTheFileAndTheField() throws IOException {
    Path file = project.resolve(".backlog/config.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"tracker\":{\"provider\":\"local\",\"local\":{\"rot\":\".\"}}}");
    TrackerConfigException unknown =
        assertThrows(
            TrackerConfigException.class, () -> open(TrackerConfigLoader.load(project, home)));
    assertEquals("tracker.local.rot", unknown.field());
    assertEquals(file, unknown.file().orElseThrow());
    Files.writeString(
        file,
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"changelogPath\":\"../../etc/x\"}}}");
    TrackerConfigException escaping =
        assertThrows(
            TrackerConfigException.class, () -> open(TrackerConfigLoader.load(project, home)));
    assertEquals("tracker.local.changelogPath", escaping.field());
    assertTrue(escaping.getMessage().contains("leaves the tracker root"), escaping.getMessage());
  }
}
