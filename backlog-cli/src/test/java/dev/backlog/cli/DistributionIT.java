package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive the build makes: unpacked with the system's {@code tar}, its {@code
 * bin/backlog} runs the demo from an unrelated directory and answers {@code --version} through a
 * symlink, without building anything; the completion script and the README are in it, and the zip
 * holds the same files.
 */
class DistributionIT {

  static final Path ARCHIVE =
      Path.of(System.getProperty("backlog.dist.archive", "target/backlog-cli-dist.tar.gz"))
          .toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theUnpackedArchiveRunsTheDemoAndAnswersThroughASymlink() throws Exception {
    assertTrue(
        Files.isRegularFile(ARCHIVE), "the build makes the archive (mvn package): " + ARCHIVE);
    Path unpacked = Files.createDirectories(dir.resolve("opt"));
    Run untar = run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", unpacked.toString()), dir, 60);
    assertEquals(0, untar.exit(), untar.toString());
    List<Path> tops;
    try (Stream<Path> list = Files.list(unpacked)) {
      tops = list.toList();
    }
    assertEquals(1, tops.size(), "one top directory: " + tops);
    Path install = tops.get(0);
    assertTrue(install.getFileName().toString().startsWith("backlog-"), install.toString());
    Path launcher = install.resolve("bin/backlog");
    assertTrue(Files.isExecutable(launcher), "bin/backlog is executable");
    assertTrue(Files.isRegularFile(install.resolve("lib/backlog.jar")));
    String completion =
        Files.readString(install.resolve("completion/backlog.bash"), StandardCharsets.UTF_8);
    assertTrue(completion.contains("complete -F") && completion.contains("backlog"), completion);
    assertTrue(
        completion.contains("claim") && completion.contains("--owner"),
        "every command is completed");
    String readme = Files.readString(install.resolve("README.txt"), StandardCharsets.UTF_8);
    assertTrue(readme.contains("bin/backlog demo") && readme.contains("Java 17"), readme);
    assertFalse(readme.contains("${project.version}"), "the README names the version");

    // From an unrelated working directory, through a symlink: --version (which also records the
    // class-data archive in the cache), then the demo through the launcher itself.
    Path work = Files.createDirectories(dir.resolve("somewhere/else"));
    Path links = Files.createDirectories(dir.resolve("links"));
    Path link = Files.createSymbolicLink(links.resolve("backlog"), launcher);
    Run version = run(List.of(link.toString(), "--version"), work, 120);
    assertEquals(0, version.exit(), version.toString());
    assertTrue(version.out().startsWith("backlog "), version.toString());
    assertEquals("", version.err(), "nothing built, nothing warned: " + version);

    Run demo = run(List.of(launcher.toString(), "demo", "--parent", dir.toString()), work, 180);
    assertEquals(0, demo.exit(), demo.toString());
    assertTrue(demo.out().contains("refused: LeaseLostException"), demo.out());
    assertTrue(demo.out().contains("lapsed; the card is claimable again"), demo.out());
    assertTrue(demo.out().contains("done=14"), demo.out());
    assertFalse(demo.err().contains("building"), "the archive's launcher never builds: " + demo);
    try (Stream<Path> cache = Files.list(dir.resolve("cache/backlog"))) {
      assertEquals(
          1,
          cache.filter(p -> p.toString().endsWith(".jsa")).count(),
          "one class-data archive for this install and jar");
    }
  }

  @Test
  void theZipHoldsTheSameFiles() throws Exception {
    Path zip = Path.of(ARCHIVE.toString().replaceFirst("\\.tar\\.gz$", ".zip"));
    List<String> names = new ArrayList<>();
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : Collections.list(file.entries())) {
        if (!entry.isDirectory()) {
          names.add(entry.getName().substring(entry.getName().indexOf('/') + 1));
        }
      }
    }
    Collections.sort(names);
    assertEquals(
        List.of("README.txt", "bin/backlog", "completion/backlog.bash", "lib/backlog.jar"), names);
  }

  private record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Run run(List<String> command, Path workDir, int timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("BACKLOG_") || k.equals("MAVEN_PROJECTBASEDIR"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("BACKLOG_HOME", dir.resolve("home").toString());
    pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
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
