package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose standard output lands on a full disk (here {@code /dev/full}, which refuses every
 * write with "no space left on device") must not exit 0 with nothing printed: a worker whose claim
 * went through would read the empty answer as "nothing claimable" and never learn its card and
 * token. Found by the chaos suite's disk full scenario, whose workers' output files shared the full
 * tmpfs.
 */
class OutputLostTest {

  @TempDir Path dir;

  @Test
  void aClaimWhoseAnswerCannotBeWrittenExitsOneAndSaysTheClaimStands() throws Exception {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "needs /dev/full (Linux)");
    InProcess cli = new InProcess(dir.resolve("home"), dir);
    assertEquals(0, cli.run("create", "--id", "A", "--title", "a").exit());
    for (boolean plain : new boolean[] {true, false}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit;
      try (PrintStream out = new PrintStream(new FileOutputStream(full.toFile()), false)) {
        String[] args =
            plain
                ? new String[] {"claim", "--owner", "w1", "--json"}
                : new String[] {"--json", "show", "A"};
        exit =
            new Cli(
                    out,
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    cli.env,
                    dir,
                    (settings, pool, brief) -> new InProcess.NonClosing(cli.store))
                .execute(args);
      }
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, exit, message);
      assertTrue(message.contains("\"code\":\"IO_FAILURE\""), message);
      assertTrue(message.contains("could not be written to standard output"), message);
      assertTrue(message.contains("stays changed"), message);
    }
    // the claim itself went through: the card is held until its lease lapses
    InProcess.Run show = cli.run("--json", "show", "A");
    assertTrue(show.out().contains("\"status\":\"claimed\""), show.out());
  }
}
