package dev.backlog.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.chaos.internal.ClockScenario;
import dev.backlog.chaos.internal.FaultScenarios;
import dev.backlog.chaos.internal.KillScenarios;
import dev.backlog.chaos.internal.Report;
import dev.backlog.chaos.internal.Results;
import dev.backlog.chaos.internal.ScenarioResult;
import dev.backlog.chaos.internal.ServerScenario;
import dev.backlog.chaos.internal.SoakScenario;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the quick chaos run end to end, as CI does, and fails on any invariant violation, never on
 * timings: every scenario ran on every store it applies to (or says why it was skipped), injected
 * faults, and the store's event log and cards showed no double or lost work.
 */
@Tag("slow")
class QuickChaosTest {

  @Test
  void theQuickRunInjectsEveryFaultAndFindsNoInvariantViolation(@TempDir Path out)
      throws Exception {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit =
        BacklogChaos.run(
            List.of("quick", "--out", out.toString(), "--cli-jar", HostileInputTest.JAR.toString()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    String log = stderr.toString(StandardCharsets.UTF_8);
    // each scenario's line with its duration, in the test's output for a look at a slow run
    System.out.println(log);
    Results r = BacklogChaos.read(out.resolve("results.json"));
    String violations =
        r.scenarios().stream()
            .flatMap(
                s -> s.violations().stream().map(v -> s.scenario() + " on " + s.store() + ": " + v))
            .collect(Collectors.joining("\n"));
    assertEquals(0, r.violations(), "invariant violations:\n" + violations + "\n\nlog:\n" + log);
    assertEquals(0, exit, log);

    for (String[] row :
        new String[][] {
          {KillScenarios.CLI, "H2 file"},
          {KillScenarios.CLI, "PostgreSQL"},
          {KillScenarios.HOST, "H2 file"},
          {KillScenarios.HOST, "PostgreSQL"},
          {KillScenarios.COORD, "git"},
          {FaultScenarios.RESTART, "PostgreSQL"},
          {FaultScenarios.DISK_FULL, "H2 file"},
          {ClockScenario.NAME, "H2 file"},
          {ClockScenario.NAME, "PostgreSQL"},
          {ServerScenario.NAME, "H2 file"},
          {SoakScenario.NAME, "H2 file"},
          {SoakScenario.NAME, "PostgreSQL"},
        }) {
      ScenarioResult s =
          r.scenarios().stream()
              .filter(x -> x.scenario().equals(row[0]) && x.store().equals(row[1]))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row " + row[0] + " on " + row[1]));
      if (s.skipped()) {
        assertTrue(!s.note().isBlank(), "a skipped scenario says why: " + s);
        continue;
      }
      assertTrue(s.operations() > 0, "the scenario did work: " + s);
      if (!row[0].equals(SoakScenario.NAME)) {
        assertTrue(s.faults() > 0, "the scenario injected faults: " + s);
      }
    }
    assertTrue(
        r.scenarios().stream().anyMatch(s -> s.scenario().startsWith("planted secrets")),
        "the output of the whole run was searched for the planted secrets");
    assertTrue(r.soak().size() >= 4, "the soak was sampled: " + r.soak());

    String md = Files.readString(out.resolve("reliability.md"));
    for (ScenarioResult s : r.scenarios()) {
      assertTrue(md.contains(s.scenario()), "the report lists " + s.scenario());
    }
    BufferedImage image = ImageIO.read(out.resolve(Report.SOAK_PNG).toFile());
    assertTrue(image != null && image.getWidth() > 100, "the soak plot is a PNG image");
  }
}
