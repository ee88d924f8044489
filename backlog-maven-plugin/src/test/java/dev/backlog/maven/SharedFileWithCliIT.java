package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.CardStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build holding a lease on the default H2 file while the CLI's runnable jar uses the same file.
 */
class SharedFileWithCliIT {

  @TempDir Path tmp;

  private String cli(Path home, String... args) throws Exception {
    Path jar = Path.of(System.getProperty("backlog.cli.jar"));
    assertTrue(
        Files.isRegularFile(jar), "the CLI jar " + jar + " is missing; build backlog-cli first");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--home",
                home.toString(),
                "--json"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", args) + " -> " + out);
    return out;
  }

  @Test
  void theCliListsAndClaimsWhileABuildHoldsALeaseOnTheSameFile() throws Exception {
    Path home = tmp.resolve("home");
    ItStore store = new ItStore(home);
    store.create("S1", "S2");
    SampleBuild build = SampleBuild.of("app", tmp, "shared");
    build.start(
        "test",
        "-Dbacklog.home=" + home,
        "-Dbacklog.card=S1",
        "-Dbacklog.ttl=6",
        "-Dit.sleepMillis=12000");
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    JsonNode s1;
    do {
      assertTrue(build.alive() && System.nanoTime() < deadline, build.output());
      Thread.sleep(300);
      s1 = json.readTree(cli(home, "show", "S1"));
    } while (!s1.get("status").asText().equals("claimed"));
    assertTrue(s1.at("/lease/owner").asText().startsWith("maven@"), s1.toString());
    JsonNode list = json.readTree(cli(home, "list"));
    assertEquals(2, list.size(), list.toString());
    JsonNode claimed = json.readTree(cli(home, "claim", "--owner", "cli-worker", "--ttl", "60"));
    assertEquals("S2", claimed.get("id").asText(), claimed.toString());
    cli(home, "complete", "S2", "--token", claimed.at("/lease/token").asText());
    assertTrue(build.alive(), "the build should still hold S1:\n" + build.output());
    assertEquals(0, build.await(), build.output());
    assertEquals(CardStatus.DONE, store.card("S1").status());
    assertEquals(CardStatus.DONE, store.card("S2").status());
  }
}
