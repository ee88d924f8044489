package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.github.fake.FakeGitHub;
import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.tck.TrackerProviderContract;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;

/**
 * The tracker-tck contract run against the GitHub provider over the fake GitHub. The fake is
 * started by the first provider of a test; its address and token are written next to the provider's
 * state, so that a second provider on the same directory, also one in the contract's second
 * process, talks to the same fake.
 */
class GitHubTrackerContractTest extends TrackerProviderContract {

  private static final String ENDPOINT_FILE = "fake-github.properties";
  private static final String TOKEN_ENV = "BACKLOG_TEST_GITHUB_TOKEN";

  private FakeGitHub github;

  @Override
  protected TrackerProvider newProvider(Path dir) {
    Path endpoint = dir.resolve(ENDPOINT_FILE);
    Properties properties = new Properties();
    try {
      if (!Files.exists(endpoint)) {
        github = FakeGitHub.start();
        github.createRepo("octo", "widgets");
        github.createUserProject("octo", 1, "Planned", "In Progress", "Blocked", "Complete");
        properties.setProperty("apiUrl", github.apiUrl().toString());
        properties.setProperty("token", github.token());
        Path written = dir.resolve(ENDPOINT_FILE + ".tmp");
        try (Writer out = Files.newBufferedWriter(written, StandardCharsets.UTF_8)) {
          properties.store(out, "the fake GitHub of this test");
        }
        Files.move(written, endpoint);
      }
      try (Reader in = Files.newBufferedReader(endpoint, StandardCharsets.UTF_8)) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot share the fake GitHub's address through " + endpoint, e);
    }
    String settings =
        "{\"repo\":\"octo/widgets\",\"projectNumber\":1,\"apiUrl\":\""
            + properties.getProperty("apiUrl")
            + "\",\"auth\":{\"tokenEnv\":\""
            + TOKEN_ENV
            + "\"},\"writeSpacingMillis\":0,\"stateDir\":\""
            + dir.resolve("github-state").toString().replace("\\", "\\\\")
            + "\"}";
    TrackerConfig config = TrackerConfig.of("github", settings, dir, dir.resolve("home"));
    String token = properties.getProperty("token");
    GitHubRuntime runtime =
        new GitHubRuntime(
            name -> name.equals(TOKEN_ENV) ? Optional.of(token) : Optional.empty(),
            Sleeper.SYSTEM,
            false);
    return GitHubTracker.open(new TrackerContext(config, InstantSource.system()), runtime);
  }

  @AfterEach
  void everyDocumentAndRequestFollowedGitHubsRules() {
    if (github == null) {
      return;
    }
    try {
      assertEquals(
          List.of(), github.graphQlViolations(), "GraphQL documents that GitHub would refuse");
      assertEquals(
          List.of(), github.protocolViolations(), "requests that break GitHub's REST conventions");
    } finally {
      github.close();
    }
  }
}
