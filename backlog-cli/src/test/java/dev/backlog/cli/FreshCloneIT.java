package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command on a fresh copy of the repository: {@code ./backlog demo} builds the
 * CLI with the launcher's own build (no jar, no archive, nothing of this build's output), then the
 * demo burns down its plan and shows the fencing token refusing a dead worker's late complete.
 */
@Tag("slow")
class FreshCloneIT {

  private static final Path ROOT = CliProcess.LAUNCHER.getParent();

  @TempDir Path dir;

  @Test
  void theDemoRunsFromAFreshCopyOfTheRepository() throws Exception {
    // The copy takes the files git knows (tracked, or new and not ignored), as a clone would.
    assumeTrue(
        Files.isDirectory(ROOT.resolve(".git")) || Files.isRegularFile(ROOT.resolve(".git")),
        "the repository is not a git checkout, so there is no file list to copy a fresh clone from");
    Path clone = dir.resolve("clone");
    copyRepository(clone);
    assertFalse(
        Files.exists(clone.resolve("backlog-cli/target")), "the copy holds no build output");

    Run built = run(clone, 900, "--version");
    assertEquals(0, built.exit(), built.toString());
    assertTrue(built.err().contains("building the CLI jar"), built.toString());
    assertTrue(
        Files.isRegularFile(clone.resolve("backlog-cli/target/backlog.jar")), built.toString());
    assertTrue(
        Files.isRegularFile(clone.resolve("backlog-cli/target/backlog.jsa")),
        "the launcher trained its class-data archive: " + built);

    long started = System.nanoTime();
    Run demo = run(clone, 120, "demo", "--parent", dir.toString());
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertEquals(0, demo.exit(), demo.toString());
    assertFalse(demo.err().contains("building"), "the second run builds nothing: " + demo);
    assertTrue(demo.out().contains("refused: LeaseLostException"), demo.out());
    assertTrue(demo.out().contains("lapsed; the card is claimable again"), demo.out());
    assertTrue(demo.out().contains("done=14"), demo.out());
    assertTrue(seconds < 60, "the demo took " + seconds + " s");
  }

  private static void copyRepository(Path target) throws IOException, InterruptedException {
    Process git =
        new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .directory(ROOT.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] listing = git.getInputStream().readAllBytes();
    assertEquals(0, git.waitFor(), "git ls-files failed in " + ROOT);
    for (String name : new String(listing, StandardCharsets.UTF_8).split("\0")) {
      Path source = ROOT.resolve(name);
      if (name.isEmpty() || !Files.isRegularFile(source)) {
        continue; // listed but deleted in the working tree
      }
      Path copy = target.resolve(name);
      Files.createDirectories(copy.getParent());
      Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  private record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Run run(Path clone, int timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(clone.resolve("backlog").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("BACKLOG_") || k.equals("MAVEN_PROJECTBASEDIR"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("BACKLOG_HOME", dir.resolve("home").toString());
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          "./backlog "
              + String.join(" ", args)
              + " did not finish within "
              + timeoutSeconds
              + " s; stderr: "
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
