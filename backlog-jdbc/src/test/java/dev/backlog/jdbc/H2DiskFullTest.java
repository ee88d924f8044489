package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.H2SharedFile.Mode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared H2 file on a full disk (a small tmpfs, mounted by the test; skipped where mounting is
 * not allowed): a write either fails with {@link StoreUnavailableException} saying the storage
 * cannot be written, or it is on disk. With H2's default write delay, commit and close both
 * succeeded on the full disk and the cards were gone when the file was opened again; the chaos
 * suite's disk full scenario saw it as a tracker file holding an event seq that the store later
 * gave to another card. Slow (about a minute): every step is a JVM of its own, and a long-running
 * store's refusal waits out its connection retries.
 */
@Tag("slow")
class H2DiskFullTest {

  @TempDir Path dir;

  private Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void aWriteOnAFullDiskFailsAsUnavailableOrIsKeptNeverReportedAndThenLost() throws Exception {
    Path at = dir.resolve("tmpfs");
    Files.createDirectories(at);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", at.toString())
            .redirectErrorStream(true)
            .start();
    String why = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor() == 0, "mounting a tmpfs is not allowed here: " + why);
    mount = at;
    Path home = at.resolve("home");
    for (Mode mode : Mode.values()) {
      // every step in a process of its own, as the CLI's commands are: H2 keeps a database whose
      // write failed as closed for the rest of the JVM
      assertEquals("created", step(mode, home, "create", mode + "-seed"));
      Path filler = at.resolve("filler");
      fill(filler);
      List<String> reported = new ArrayList<>();
      int refused = 0;
      for (int i = 0; i < (mode == Mode.BRIEF ? 3 : 1); i++) {
        String id = mode + "-" + i;
        String outcome = step(mode, home, "create", id);
        if (outcome.equals("created")) {
          reported.add(id);
        } else {
          refused++;
          assertTrue(outcome.startsWith("unavailable"), outcome);
          // refused when opening the file or when writing the card; a brief store that holds the
          // file itself says why
          assertTrue(
              mode == Mode.LONG_RUNNING
                  || outcome.contains("cannot write its storage")
                  || outcome.contains("Writing to"),
              outcome);
        }
      }
      Files.delete(filler);
      for (String id : reported) {
        assertEquals(
            "found",
            step(mode, home, "find", id),
            mode + ": card " + id + " was reported created on the full disk and is lost");
      }
      assertEquals("found", step(mode, home, "find", mode + "-seed"));
      assertTrue(refused > 0, mode + ": the full disk refused some writes: " + reported);
      assertEquals("created", step(mode, home, "create", mode + "-after"), "work goes on");
    }
  }

  /** Runs {@link Step} in a JVM of its own; returns what it printed. */
  private static String step(Mode mode, Path home, String action, String id) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Step.class.getName(),
                mode.name(),
                home.toString(),
                action,
                id)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** One step: {@code MODE HOME create|find ID}; prints created, found, missing or unavailable. */
  public static final class Step {
    private Step() {}

    /** Runs the step. */
    public static void main(String[] args) {
      try (JdbcBacklogStore store = open(Path.of(args[1]), Mode.valueOf(args[0]));
          Backlog backlog = Backlog.builder().store(store).build()) {
        if (args[2].equals("create")) {
          backlog.create(NewCard.builder(args[3]).title("written on a full disk").build());
          System.out.println("created");
        } else {
          System.out.println(backlog.find(CardId.of(args[3])).isPresent() ? "found" : "missing");
        }
      } catch (StoreUnavailableException e) {
        System.out.println("unavailable: " + e.getMessage().replace('\n', ' '));
      }
    }
  }

  private static JdbcBacklogStore open(Path home, Mode mode) {
    return JdbcBacklogStore.builder().sharedH2File(H2SharedFile.of(home, mode)).build();
  }

  private static void fill(Path file) throws IOException {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      // full to the last block
    }
  }
}
