package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as a core extension ({@code .mvn/extensions.xml}) around a build that does not name
 * it.
 */
class ExtensionFormIT {

  @TempDir Path tmp;

  @Test
  void aWrappedBuildClaimsTheCardAfterReadingProjectsAndCompletesItAtTheEnd() throws Exception {
    ItStore store = new ItStore(tmp.resolve("home"));
    store.create("W1");
    SampleBuild build = SampleBuild.of("wrapped", tmp, "pass");
    int exit =
        build.start("test", "-Dbacklog.home=" + tmp.resolve("home"), "-Dbacklog.card=W1").await();
    String log = build.output();
    assertEquals(0, exit, log);
    assertEquals(CardStatus.DONE, store.card("W1").status(), log);
    assertTrue(log.indexOf("backlog: claimed card W1") < log.indexOf("T E S T S"), log);
    assertTrue(
        Files.readString(build.file("target/backlog-evidence.json")).contains("\"tests\" : 2"));
  }

  @Test
  void testReportsOfAnEarlierBuildAreNotTakenAsEvidence() throws Exception {
    Path home = tmp.resolve("home");
    ItStore store = new ItStore(home);
    store.create("W4", "W5");
    SampleBuild build = SampleBuild.of("wrapped", tmp, "stale");
    assertEquals(0, build.start("test", "-Dbacklog.home=" + home, "-Dbacklog.card=W4").await());
    assertTrue(
        Files.readString(build.file("target/backlog-evidence.json")).contains("\"tests\" : 2"));
    assertEquals(0, build.start("validate", "-Dbacklog.home=" + home, "-Dbacklog.card=W5").await());
    String evidence = Files.readString(build.file("target/backlog-evidence.json"));
    assertTrue(evidence.contains("\"card\" : \"W5\""), evidence);
    assertTrue(evidence.contains("\"tests\" : 0"), evidence);
    assertTrue(!evidence.contains("\"tests\" : 2"), evidence);
  }

  @Test
  void aWrappedBuildThatFailsFailsTheCard() throws Exception {
    ItStore store = new ItStore(tmp.resolve("home"));
    store.create("W2");
    SampleBuild build = SampleBuild.of("wrapped", tmp, "fail");
    int exit =
        build
            .start(
                "test",
                "-Dbacklog.home=" + tmp.resolve("home"),
                "-Dbacklog.card=W2",
                "-Dit.fail=true")
            .await();
    assertNotEquals(0, exit, build.output());
    assertEquals(CardStatus.READY, store.card("W2").status(), build.output());
    assertEquals(1, store.card("W2").attempts());
  }

  @Test
  void withoutACardOrPhaseTheExtensionLeavesTheBacklogAlone() throws Exception {
    ItStore store = new ItStore(tmp.resolve("home"));
    store.create("W3");
    SampleBuild build = SampleBuild.of("wrapped", tmp, "idle");
    assertEquals(
        0, build.start("test", "-Dbacklog.home=" + tmp.resolve("home")).await(), build.output());
    assertEquals(CardStatus.READY, store.card("W3").status());
    assertTrue(!build.output().contains("] backlog: "), build.output());
  }
}
