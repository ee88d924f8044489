package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo burns down its plan and shows the fencing token refusing a dead worker's late complete. */
@Tag("slow")
class DemoIT {

  @TempDir
  Path dir;

  @Test
  void theDemoFinishesEveryCardAndShowsTheRefusedLateComplete() {
    CliProcess cli = new CliProcess(dir);
    long started = System.nanoTime();
    CliProcess.Result result = cli.run("demo", "--parent", dir.toString());
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertEquals(0, result.exit(), result.toString());
    assertTrue(result.out().contains("refused: LeaseLostException"), result.out());
    assertTrue(result.out().contains("lapsed; the card is claimable again"), result.out());
    assertTrue(result.out().contains("done=14"), result.out());
    assertTrue(seconds < 60, "the demo took " + seconds + " s");
  }
}
