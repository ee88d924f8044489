package dev.backlog.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.chaos.internal.Report;
import dev.backlog.chaos.internal.Results;
import dev.backlog.chaos.internal.ScenarioResult;
import dev.backlog.chaos.internal.SoakSample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report written from results, the report subcommand, and bad arguments. */
class ReportAndOptionsTest {

  @TempDir Path tmp;

  private static Results results(List<String> violations) {
    return new Results(
        "quick",
        "2026-12-06T09:00:00Z",
        200,
        7,
        "2 cores",
        "14.19",
        "2.3.232",
        List.of(
            new ScenarioResult("kill", "H2 file", 1, 5, 40, violations, 120, 900, "8 cards", false),
            ScenarioResult.skipped("disk full", "H2 file", "mounting a tmpfs was refused")),
        List.of(
            new SoakSample("H2 file", 1, 60, 100, 2.5, 20, 300, 40, 9),
            new SoakSample("H2 file", 2, 120, 101, 2.4, 21, 301, 40, 9)));
  }

  @Test
  void theReportListsEveryRowTheSkipReasonTheSoakSeriesAndThePlotAndARereadRewritesIt()
      throws Exception {
    BacklogChaos.write(results(List.of()), tmp);
    String md = Files.readString(tmp.resolve("reliability.md"));
    assertTrue(md.contains("| kill | H2 file | 1 | 5 | 40 | 0 | 120 ms | 900 ms | 8 cards |"), md);
    assertTrue(md.contains("skipped: mounting a tmpfs was refused"), md);
    assertTrue(md.contains("passed: 0 invariant violations"), md);
    assertTrue(md.contains("| H2 file | 2 | 120 | 101 | 2.40 | 21.0 | 301 | 40 | 9 |"), md);
    assertTrue(md.contains("writes again once space is free"), "what a full disk leaves is named");
    assertTrue(md.contains("**server under faults**"), "the server scenario is described");
    assertTrue(md.contains("`HostileArgumentsTest`"), "the security items name their tests");
    BufferedImage png = ImageIO.read(tmp.resolve(Report.SOAK_PNG).toFile());
    assertTrue(png != null && png.getWidth() > 100);

    Path again = tmp.resolve("again");
    int exit =
        BacklogChaos.run(
            List.of("report", tmp.resolve("results.json").toString(), again.toString()),
            System.out,
            System.err);
    assertEquals(0, exit);
    assertEquals(md, Files.readString(again.resolve("reliability.md")));
  }

  @Test
  void violationsAreListedAndTheStatusSaysFailed() throws Exception {
    BacklogChaos.write(results(List.of("card A completed 2 times")), tmp);
    String md = Files.readString(tmp.resolve("reliability.md"));
    assertTrue(md.contains("FAILED: 1 invariant violations"), md);
    assertTrue(md.contains("- kill on H2 file: card A completed 2 times"), md);
  }

  @Test
  void badArgumentsExitWith2AndSayWhatWasWrong() {
    List<List<String>> cases =
        List.of(
            List.of(),
            List.of("fast"),
            List.of("full", "--minutes", "0"),
            List.of("quick", "--out"));
    for (List<String> args : cases) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit =
          BacklogChaos.run(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, exit, args.toString());
      assertTrue(
          err.toString(StandardCharsets.UTF_8).contains("usage: backlog-chaos"), err.toString());
    }
  }
}
