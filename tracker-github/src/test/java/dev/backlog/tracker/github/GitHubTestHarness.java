package dev.backlog.tracker.github;

import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.github.fake.FakeGitHub;
import dev.backlog.tracker.github.fake.FakeIssue;
import dev.backlog.tracker.github.fake.VirtualClock;
import dev.backlog.tracker.spi.TrackerContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the provider's tests share: a fake GitHub on a virtual clock with repository {@code o/r},
 * and providers opened on it with a sleeper that advances the clock (so rate-limit waits take no
 * real time) and records every wait.
 */
final class GitHubTestHarness implements AutoCloseable {

  static final String OWNER = "o";
  static final String REPO = "r";

  final VirtualClock clock = new VirtualClock(Instant.parse("2026-11-23T10:00:00Z"));
  final FakeGitHub fake = FakeGitHub.start(clock);
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  final Path dir;

  GitHubTestHarness(Path dir) {
    this.dir = dir;
    fake.createRepo(OWNER, REPO);
  }

  /**
   * The settings JSON with the fake's URL, no write spacing and the state under {@code dir}, plus
   * extra fields.
   */
  String settings(String extra) {
    return "{\"repo\":\"o/r\",\"apiUrl\":\""
        + fake.apiUrl()
        + "\",\"writeSpacingMillis\":0,\"stateDir\":\""
        + dir.resolve("state").toString().replace("\\", "\\\\")
        + "\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  TrackerContext context(String settingsJson) {
    return new TrackerContext(
        TrackerConfig.of("github", settingsJson, null, dir.resolve("home")), clock);
  }

  GitHubRuntime runtime(Map<String, String> env) {
    return new GitHubRuntime(
        name -> Optional.ofNullable(env.get(name)),
        duration -> {
          sleeps.add(duration);
          clock.advance(duration);
        },
        false);
  }

  GitHubRuntime runtime() {
    return runtime(Map.of("GITHUB_TOKEN", fake.token()));
  }

  GitHubTracker open(String extra) {
    return GitHubTracker.open(context(settings(extra)), runtime());
  }

  GitHubTracker open() {
    return open("");
  }

  List<FakeIssue> issues() {
    return fake.issues(OWNER, REPO);
  }

  FakeIssue issue(String code) {
    List<FakeIssue> found =
        issues().stream().filter(i -> i.title().startsWith("[" + code + "] ")).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one issue for " + code + ", found " + found.size() + ": " + found);
    }
    return found.get(0);
  }

  /**
   * Stops the fake, then fails when the provider sent a GraphQL document that GitHub's schema
   * refuses or a request without the headers GitHub expects: every test that uses the harness
   * checks both.
   */
  @Override
  public void close() {
    fake.close();
    if (!fake.graphQlViolations().isEmpty() || !fake.protocolViolations().isEmpty()) {
      throw new AssertionError(
          "the provider sent requests GitHub would refuse: GraphQL "
              + fake.graphQlViolations()
              + ", protocol "
              + fake.protocolViolations());
    }
  }
}
