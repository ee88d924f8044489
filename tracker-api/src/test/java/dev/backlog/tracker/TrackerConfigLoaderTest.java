package dev.backlog.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.ErrorCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrackerConfigLoaderTest {

  @TempDir Path home;
  @TempDir Path project;

  private Path writeProject(String json) throws IOException {
    Path file = project.resolve(".backlog/config.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  @Test
  void noConfigFileSelectsTheLocalProviderUnderTheHome() {
    TrackerConfig config = TrackerConfigLoader.load(project, home);
    assertEquals("local", config.provider());
    assertTrue(config.source().isEmpty());
    assertEquals(home.resolve("tracker"), config.defaultRoot());
  }

  @Test
  void aProjectConfigWithoutATrackerBlockSelectsLocalRootedAtTheProject() throws IOException {
    Path file = writeProject("{\"other\":1}");
    Files.writeString(home.resolve("config.json"), "{\"tracker\":{\"provider\":\"github\"}}");
    TrackerConfig config = TrackerConfigLoader.load(project, home);
    assertEquals("local", config.provider());
    assertEquals(file, config.source().orElseThrow());
    assertEquals(project, config.defaultRoot());
  }

  @Test
  void theHomeConfigIsUsedWhenTheProjectHasNone() throws IOException {
    Files.writeString(
        home.resolve("config.json"),
        "{\"tracker\":{\"provider\":\"board\",\"board\":{\"path\":\"b.md\"}}}");
    TrackerConfig config = TrackerConfigLoader.load(project, home);
    assertEquals("board", config.provider());
    assertEquals(home.resolve("b.md"), config.path("path").orElseThrow());
    assertEquals("tracker.board.path", config.fieldPath("path"));
  }

  @Test
  void theProjectDirectoryIsFoundFromASubdirectory() throws IOException {
    writeProject("{}");
    Path sub = Files.createDirectories(project.resolve("a/b"));
    assertEquals(
        project.toAbsolutePath().normalize(),
        TrackerConfigLoader.findProjectDir(sub).orElseThrow());
  }

  @Test
  void backlogHomeComesFromTheEnvironmentWhenSet() {
    assertEquals(
        home.toAbsolutePath().normalize(),
        TrackerConfigLoader.defaultHome(Map.of("BACKLOG_HOME", home.toString())));
    assertTrue(TrackerConfigLoader.defaultHome(Map.of()).endsWith(".backlog"));
  }

  @ParameterizedTest(name = "{0} fails on field {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"tracker\": {\"provider\": \"local\"  | (file)   | is not valid JSON at line 1",
        "[1, 2]                               | (root)           | not a JSON object",
        "''                                   | (file)           | is empty",
        "{\"tracker\": \"local\"}             | tracker          | not an object",
        "{\"tracker\": {}}                    | tracker.provider | is missing",
        "{\"tracker\": {\"provider\": 7}}     | tracker.provider | not a provider id",
        "{\"tracker\": {\"provider\": \"Local Files\"}} | tracker.provider | not a provider id",
        "{\"tracker\": {\"provider\": \"local\", \"local\": [1]}} | tracker.local | not an object",
        "{\"tracker\": {\"provider\": \"local\", \"provider\": \"x\"}} | (file) | Duplicate field",
        "{\"tracker\": {\"provider\": \"local\", \"root\": \"docs\"}} | tracker.root | outside a provider block",
      })
  void aMalformedConfigFailsNamingTheFileTheFieldAndTheFix(
      String json, String field, String problem) throws IOException {
    Path file = writeProject(json);
    TrackerConfigException e =
        assertThrows(TrackerConfigException.class, () -> TrackerConfigLoader.load(project, home));
    assertEquals(field, e.field());
    assertEquals(file, e.file().orElseThrow());
    assertTrue(e.getMessage().startsWith(file + ": field '" + field + "': "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("; fix: "), e.getMessage());
    assertEquals(ErrorCategory.INVALID_INPUT, e.code().category());
  }

  @Test
  void aSettingBesideTheProviderIsToldToMoveIntoTheProvidersBlock() throws IOException {
    writeProject("{\"tracker\": {\"provider\": \"local\", \"root\": \"docs\"}}");
    TrackerConfigException e =
        assertThrows(TrackerConfigException.class, () -> TrackerConfigLoader.load(project, home));
    assertTrue(
        e.getMessage()
            .endsWith(
                "fix: move it into the \"local\" block: {\"tracker\": {\"provider\":"
                    + " \"local\", \"local\": {\"root\": …}}}"),
        e.getMessage());
  }

  @Test
  void blocksForOtherProvidersAreKeptAside() throws IOException {
    writeProject("{\"tracker\": {\"provider\": \"local\", \"github\": {\"repo\": \"o/r\"}}}");
    TrackerConfig config = TrackerConfigLoader.load(project, home);
    assertEquals("local", config.provider());
    assertEquals(Set.of("github"), config.otherBlocks());
    assertTrue(!config.hasOwnBlock());
    assertEquals(0, config.settings().size());
  }

  @Test
  void mistypedAndUnknownSettingsFailNamingTheDottedField() throws IOException {
    writeProject(
        "{\"tracker\":{\"provider\":\"local\",\"local\":{\"root\":5,\"rooot\":\"x\",\"n\":\"1\",\"b\":1}}}");
    TrackerConfig config = TrackerConfigLoader.load(project, home);
    assertEquals(
        "tracker.local.root",
        assertThrows(TrackerConfigException.class, () -> config.text("root")).field());
    assertEquals(
        "tracker.local.n",
        assertThrows(TrackerConfigException.class, () -> config.integer("n", 0, 9)).field());
    assertEquals(
        "tracker.local.b",
        assertThrows(TrackerConfigException.class, () -> config.bool("b")).field());
    TrackerConfigException unknown =
        assertThrows(
            TrackerConfigException.class, () -> config.rejectUnknown(Set.of("root", "n", "b")));
    assertEquals("tracker.local.rooot", unknown.field());
    assertTrue(unknown.getMessage().contains("[b, n, root]"), unknown.getMessage());
  }

  @Test
  void errorsNeverEchoStringOrObjectValuesThatMightBeSecrets() throws IOException {
    writeProject(
        "{\"tracker\": {\"provider\": \"local\", \"local\": {\"root\": {\"token\": \"s3cr3t-value\"}}}}");
    TrackerConfig config = TrackerConfigLoader.load(project, home);
    TrackerConfigException typed =
        assertThrows(TrackerConfigException.class, () -> config.text("root"));
    assertTrue(
        typed.getMessage().contains("is an object") && !typed.getMessage().contains("s3cr3t"),
        typed.getMessage());
    writeProject("{\"tracker\": {\"token\": ghp_s3cr3tvalue123}}");
    TrackerConfigException syntax =
        assertThrows(TrackerConfigException.class, () -> TrackerConfigLoader.load(project, home));
    assertTrue(
        !syntax.getMessage().contains("s3cr3t") && syntax.getMessage().contains("line 1"),
        syntax.getMessage());
  }

  @Test
  void settingsAreCopiedSoTheConfigurationStaysImmutable() {
    TrackerConfig config = TrackerConfig.of("local", "{\"root\":\"a\"}", null, home);
    config.settings().put("root", "b");
    assertEquals("a", config.text("root").orElseThrow());
    assertTrue(
        config.toString().contains("root") && !config.toString().contains("\"a\""),
        config.toString());
  }
}
