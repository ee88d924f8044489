package dev.backlog.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.ErrorCategory;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.spi.TrackerProviderFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerProvidersTest {

  @TempDir Path dir;

  private URLClassLoader loaderRegistering(String... classNames) throws IOException {
    Path services = dir.resolve("cp/META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(TrackerProviderFactory.class.getName()),
        String.join("\n", classNames) + "\n");
    return new URLClassLoader(
        new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void brokenRegistrationsAreReportedByNameAndHideNoOtherProvider() throws IOException {
    try (URLClassLoader loader =
        loaderRegistering(
            "com.example.MissingFactory",
            TestFactories.BrokenConstructor.class.getName(),
            TestFactories.Good.class.getName(),
            TestFactories.FutureVersion.class.getName(),
            TestFactories.ExplodesOnCreate.class.getName(),
            TestFactories.DuplicateGood.class.getName())) {
      TrackerProviders providers = TrackerProviders.discover(loader);
      assertEquals(List.of("explodes", "good"), providers.ids());
      String problems =
          providers.problems().stream()
              .map(ProviderProblem::toString)
              .collect(Collectors.joining("\n"));
      assertEquals(4, providers.problems().size(), problems);
      assertTrue(problems.contains("com.example.MissingFactory"), problems);
      assertTrue(problems.contains(TestFactories.BrokenConstructor.class.getName()), problems);
      assertTrue(problems.contains("speaks tracker SPI version 2"), problems);
      assertTrue(problems.contains("'good' is already taken"), problems);
    }
  }

  @Test
  void onlyTheProviderSelectedByIdIsCreated() throws IOException {
    try (URLClassLoader loader =
        loaderRegistering(
            TestFactories.ExplodesOnCreate.class.getName(), TestFactories.Good.class.getName())) {
      TrackerProviders providers = TrackerProviders.discover(loader);
      TrackerConfig config = TrackerConfig.of("good", "{\"name\":\"x\"}", null, dir);
      try (TrackerProvider provider = providers.open(config, InstantSource.system())) {
        assertEquals("good", provider.id());
      }
    }
  }

  @Test
  void theDefaultClassLoaderRegistersNothingSoNoProviderActivatesByItself() {
    TrackerProviders providers = TrackerProviders.discover(getClass().getClassLoader());
    assertEquals(List.of(), providers.ids());
    TrackerConfigException e =
        assertThrows(
            TrackerConfigException.class,
            () -> providers.open(TrackerConfig.defaults(null, dir), InstantSource.system()));
    assertEquals("tracker.provider", e.field());
    assertTrue(
        e.getMessage().contains("'local'") && e.getMessage().contains("available: none"),
        e.getMessage());
  }

  @Test
  void anUnknownProviderIdFailsNamingTheFileTheFieldTheAvailableIdsAndTheBrokenOnes()
      throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"tracker\":{\"provider\":\"jira\"}}");
    TrackerConfig config = TrackerConfigLoader.load(null, dir);
    try (URLClassLoader loader =
        loaderRegistering(TestFactories.Good.class.getName(), "com.example.Gone")) {
      TrackerConfigException e =
          assertThrows(
              TrackerConfigException.class,
              () -> TrackerProviders.discover(loader).open(config, InstantSource.system()));
      assertEquals(file, e.file().orElseThrow());
      assertEquals("tracker.provider", e.field());
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("'jira'")
              && e.getMessage().contains("available: good")
              && e.getMessage().contains("com.example.Gone"),
          e.getMessage());
      assertEquals(ErrorCategory.INVALID_INPUT, e.code().category());
    }
  }

  /** Opens the provider the config text selects, with only the good provider installed. */
  private TrackerConfigException refusedOpen(String configJson) throws IOException {
    Files.writeString(dir.resolve("config.json"), configJson);
    TrackerConfig config = TrackerConfigLoader.load(null, dir);
    try (URLClassLoader loader = loaderRegistering(TestFactories.Good.class.getName())) {
      return assertThrows(
          TrackerConfigException.class,
          () -> TrackerProviders.discover(loader).open(config, InstantSource.system()));
    }
  }

  @Test
  void aMistypedBlockNameIsCaughtWhenTheSelectedProviderHasNoBlock() throws IOException {
    TrackerConfigException e =
        refusedOpen("{\"tracker\":{\"provider\":\"good\",\"goood\":{\"name\":\"x\"}}}");
    assertEquals("tracker.goood", e.field());
    assertEquals(
        dir.resolve("config.json")
            + ": field 'tracker.goood': is a block for provider 'goood', which is not installed"
            + " (available: good), and provider 'good' has no block of its own; fix: rename the"
            + " block to \"good\" if these are its settings, or remove it",
        e.getMessage());
  }

  @Test
  void aBlockForAnotherProviderIsLeftAloneWhenTheSelectedOneHasItsOwn() throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        "{\"tracker\":{\"provider\":\"good\",\"good\":{\"name\":\"x\"},"
            + "\"jira\":{\"site\":\"y\"}}}");
    TrackerConfig config = TrackerConfigLoader.load(null, dir);
    try (URLClassLoader loader = loaderRegistering(TestFactories.Good.class.getName());
        TrackerProvider provider =
            TrackerProviders.discover(loader).open(config, InstantSource.system())) {
      assertEquals("good", provider.id());
    }
  }

  @Test
  void aMissingRequiredSettingFailsNamingTheFileAndTheDottedField() throws IOException {
    TrackerConfigException e = refusedOpen("{\"tracker\":{\"provider\":\"good\",\"good\":{}}}");
    assertEquals("tracker.good.name", e.field());
    assertEquals(dir.resolve("config.json"), e.file().orElseThrow());
    assertTrue(
        e.getMessage().contains("is missing") && e.getMessage().contains("add \"name\""),
        e.getMessage());
  }
}
