package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.ErrorCategory;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TrackerConfigException;
import dev.backlog.tracker.TrackerProviders;
import dev.backlog.tracker.spi.TrackerProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubConfigTest {

  @TempDir Path dir;
  GitHubTestHarness gh;

  @BeforeEach
  void start() {
    gh = new GitHubTestHarness(dir);
  }

  @AfterEach
  void stop() {
    gh.close();
  }

  private GitHubSettings settings(String json) {
    return GitHubSettings.from(
        TrackerConfig.of("github", json, dir.resolve("project"), dir.resolve("home")));
  }

  private TrackerConfigException badSettings(String json) {
    return assertThrows(TrackerConfigException.class, () -> settings(json));
  }

  @Test
  void onlyTheRepositoryIsRequiredAndTheDefaultsAreDocumented() {
    GitHubSettings s = settings("{\"repo\":\"octo/widgets\"}");
    assertEquals("octo", s.owner());
    assertEquals("widgets", s.repo());
    assertTrue(s.projectNumber().isEmpty());
    assertTrue(s.branch().isEmpty());
    assertEquals("ROADMAP.md", s.roadmapPath());
    assertEquals("CHANGELOG.md", s.changelogPath());
    assertEquals(Duration.ofSeconds(300), s.cacheTtl());
    assertEquals("https://api.github.com", s.apiUrl().toString());
    assertEquals("GITHUB_TOKEN", s.tokenEnv());
    assertEquals(Duration.ofSeconds(1), s.writeSpacing());
    assertEquals(Duration.ofSeconds(300), s.maxRateLimitWait());
    assertEquals(
        dir.resolve("project/.backlog-github/octo/widgets").toAbsolutePath(), s.stateDir());
  }

  @Test
  void everySettingIsRead() {
    GitHubSettings s =
        settings(
            "{\"repo\":\"o/r\",\"projectNumber\":42,\"branch\":\"docs\",\"roadmapPath\":\"docs/R.md\","
                + "\"changelogPath\":\"docs/C.md\",\"cacheTtlSeconds\":60,\"apiUrl\":\"https://ghe.example.com/api/v3/\","
                + "\"auth\":{\"tokenEnv\":\"MY_TOKEN\"},\"writeSpacingMillis\":0,\"maxRateLimitWaitSeconds\":30,"
                + "\"stateDir\":\"st\"}");
    assertEquals(42, s.projectNumber().getAsInt());
    assertEquals(Optional.of("docs"), s.branch());
    assertEquals("docs/R.md", s.roadmapPath());
    assertEquals("https://ghe.example.com/api/v3", s.apiUrl().toString());
    assertEquals("MY_TOKEN", s.tokenEnv());
    assertEquals(Duration.ZERO, s.writeSpacing());
    assertEquals(Duration.ofSeconds(30), s.maxRateLimitWait());
    assertEquals(dir.resolve("project/st").toAbsolutePath(), s.stateDir());
  }

  @Test
  void badSettingsNameTheFieldAndTheFix() {
    assertEquals("tracker.github.repo", badSettings("{}").field());
    TrackerConfigException shape = badSettings("{\"repo\":\"just-a-name\"}");
    assertTrue(shape.getMessage().contains("owner/name"), shape.getMessage());
    assertEquals("tracker.github.repos", badSettings("{\"repo\":\"o/r\",\"repos\":1}").field());
    assertEquals(
        "tracker.github.projectNumber",
        badSettings("{\"repo\":\"o/r\",\"projectNumber\":\"42\"}").field());
    assertEquals(
        "tracker.github.apiUrl", badSettings("{\"repo\":\"o/r\",\"apiUrl\":\"ftp://x\"}").field());
    assertEquals(
        "tracker.github.roadmapPath",
        badSettings("{\"repo\":\"o/r\",\"roadmapPath\":\"../x.md\"}").field());
    assertEquals(
        "tracker.github.changelogPath",
        badSettings("{\"repo\":\"o/r\",\"changelogPath\":\"ROADMAP.md\"}").field());
    assertEquals(
        "tracker.github.auth.token",
        badSettings("{\"repo\":\"o/r\",\"auth\":{\"token\":\"x\"}}").field());
    assertEquals(ErrorCategory.INVALID_INPUT, badSettings("{}").code().category());
  }

  @Test
  void aTokenPastedWhereTheVariableNameGoesIsNotEchoed() {
    String secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    TrackerConfigException e =
        badSettings("{\"repo\":\"o/r\",\"auth\":{\"tokenEnv\":\"" + secret + "-x\"}}");
    assertEquals("tracker.github.auth.tokenEnv", e.field());
    assertFalse(e.getMessage().contains(secret), e.getMessage());
    TrackerConfigException url =
        badSettings("{\"repo\":\"o/r\",\"apiUrl\":\"https://user:" + secret + "@h/\"}");
    assertFalse(url.getMessage().contains(secret), url.getMessage());
  }

  @Test
  void noTokenIsAClearErrorNamingTheVariable() {
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () -> GitHubTracker.open(gh.context(gh.settings("")), gh.runtime(Map.of())));
    assertEquals(GitHubErrorCode.GITHUB_AUTH, e.code());
    assertTrue(
        e.getMessage().contains("GITHUB_TOKEN") && e.getMessage().contains("repo and project"),
        e.getMessage());
  }

  @Test
  void theGhCommandLineIsAskedForATokenWhenTheVariableIsUnset() throws Exception {
    Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
    Path gh = bin.resolve("gh");
    java.nio.file.Files.writeString(
        gh,
        "#!/bin/sh\n[ \"$1 $2\" = \"auth token\" ] && echo "
            + this.gh.fake.token()
            + " && exit 0\nexit 1\n");
    assertTrue(gh.toFile().setExecutable(true));
    GitHubRuntime withGh =
        new GitHubRuntime(
            name -> Optional.ofNullable(Map.of("PATH", bin.toString()).get(name)), d -> {}, true);
    GitHubTracker tracker = GitHubTracker.open(this.gh.context(this.gh.settings("")), withGh);
    assertTrue(tracker.toString().contains("gh auth token"), tracker.toString());
    assertFalse(tracker.toString().contains(this.gh.fake.token()));
    GitHubRuntime without =
        new GitHubRuntime(
            name -> Optional.ofNullable(Map.of("PATH", bin.toString()).get(name)), d -> {}, false);
    assertThrows(
        GitHubException.class,
        () -> GitHubTracker.open(this.gh.context(this.gh.settings("")), without));
  }

  @Test
  void theTokenComesFromTheConfiguredVariable() {
    GitHubTracker tracker =
        GitHubTracker.open(
            gh.context(gh.settings("\"auth\":{\"tokenEnv\":\"MY_TOKEN\"}")),
            gh.runtime(Map.of("MY_TOKEN", gh.fake.token())));
    assertEquals("main", tracker.branch());
  }

  @Test
  void theTokenNeverAppearsInToStringErrorsOrHealth() {
    String token = gh.fake.token();
    GitHubTracker tracker = gh.open();
    tracker.createFeature(Feature.builder("A1", "Parser").build());
    tracker.sync();
    assertFalse(tracker.toString().contains(token), tracker.toString());
    assertFalse(tracker.health().toString().contains(token));
    assertFalse(tracker.settings().toString().contains(token));
    GitHubException refused =
        assertThrows(
            GitHubException.class,
            () ->
                GitHubTracker.open(
                    gh.context(gh.settings("")), gh.runtime(Map.of("GITHUB_TOKEN", token + "x"))));
    assertEquals(ErrorCategory.INVALID_INPUT, refused.code().category());
    assertTrue(
        refused.getMessage().contains("401") && refused.getMessage().contains("$GITHUB_TOKEN"),
        refused.getMessage());
    assertFalse(refused.getMessage().contains(token), refused.getMessage());
  }

  @Test
  void missingScopesAreReportedAtStartUpWithTheFix() {
    gh.fake.scopes("repo");
    gh.open();
    GitHubException e = assertThrows(GitHubException.class, () -> gh.open("\"projectNumber\":1"));
    assertEquals(GitHubErrorCode.GITHUB_AUTH, e.code());
    assertTrue(
        e.getMessage().contains("lacks the scope(s) [project]")
            && e.getMessage().contains("gh auth refresh -s project"),
        e.getMessage());
    gh.fake.scopes("read:org");
    GitHubException noRepo = assertThrows(GitHubException.class, () -> gh.open());
    assertTrue(noRepo.getMessage().contains("[repo]"), noRepo.getMessage());
  }

  @Test
  void anUnknownRepositoryIsAClearError() {
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () ->
                GitHubTracker.open(
                    gh.context(gh.settings("").replace("\"o/r\"", "\"o/missing\"")), gh.runtime()));
    assertEquals(GitHubErrorCode.GITHUB_NOT_FOUND, e.code());
    assertTrue(
        e.getMessage().contains("o/missing") && e.getMessage().contains("tracker.github.repo"),
        e.getMessage());
  }

  @Test
  void theFactoryIsFoundByIdButCreatesNothingUntilSelected() {
    TrackerProviders providers =
        TrackerProviders.discover(GitHubTrackerFactory.class.getClassLoader());
    assertTrue(providers.ids().contains("github"), providers.ids().toString());
    assertEquals(GitHubTracker.ID, new GitHubTrackerFactory().id());
    TrackerConfig config = TrackerConfig.of("github", gh.settings(""), null, dir.resolve("home"));
    // the factory uses the real environment; without GITHUB_TOKEN (and no gh) it fails with the
    // auth error
    if (System.getenv("GITHUB_TOKEN") == null) {
      GitHubException e =
          assertThrows(GitHubException.class, () -> providers.open(config, gh.clock).close());
      assertEquals(GitHubErrorCode.GITHUB_AUTH, e.code());
    } else {
      try (TrackerProvider ignored = providers.open(config, gh.clock)) {
        assertEquals("github", ignored.id());
      } catch (GitHubException e) {
        assertEquals(GitHubErrorCode.GITHUB_AUTH, e.code(), "a real token is refused by the fake");
      }
    }
  }
}
