package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.git.coordination.internal.GitResult;
import dev.backlog.git.coordination.internal.GitRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real git repositories in a temp directory, isolated from the user's and the system's git config.
 */
final class GitFixture {

  final Path base;
  final Path home;
  final Map<String, String> env = new LinkedHashMap<>();
  final GitRunner git;

  GitFixture(Path base) throws IOException {
    this.base = base;
    this.home = Files.createDirectories(base.resolve("home"));
    Path gitconfig = home.resolve(".gitconfig");
    Files.writeString(
        gitconfig,
        "[user]\n\tname = Test Runner\n\temail = runner@example.invalid\n"
            + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[gc]\n\tauto = 0\n");
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("GIT_CONFIG_GLOBAL", gitconfig.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    git = new GitRunner("git", Duration.ofSeconds(60), env, "C");
  }

  /** A new repository with one commit on main. */
  Path newRepo(String name) throws IOException {
    Path repo = Files.createDirectories(base.resolve(name));
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("README.md"), "# " + name + "\n");
    git(repo, "add", "README.md");
    git(repo, "commit", "-q", "-m", "Initial commit");
    return repo;
  }

  static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  CoordinationConfig.Builder config() {
    CoordinationConfig.Builder b =
        CoordinationConfig.builder()
            .mergeDriverCommand(
                Coordinator.shellQuote(javaBin())
                    + " -cp "
                    + Coordinator.shellQuote(classpath())
                    + " dev.backlog.git.coordination.internal.EventLogMergeDriver %O %A %B");
    env.forEach(b::environment);
    return b;
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  GitResult git(Path dir, String... args) {
    GitResult r = git.run(dir, args);
    assertEquals(0, r.exitCode(), () -> r.describe());
    return r;
  }

  GitResult gitRaw(Path dir, String... args) {
    return git.run(dir, args);
  }

  void hook(Path repo, String name, String script) throws IOException {
    Path hooks = Path.of(git(repo, "rev-parse", "--git-common-dir").text());
    if (!hooks.isAbsolute()) {
      hooks = repo.resolve(hooks);
    }
    Path file = Files.createDirectories(hooks.resolve("hooks")).resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  void removeHook(Path repo, String name) throws IOException {
    Path hooks = Path.of(git(repo, "rev-parse", "--git-common-dir").text());
    if (!hooks.isAbsolute()) {
      hooks = repo.resolve(hooks);
    }
    Files.deleteIfExists(hooks.resolve("hooks").resolve(name));
  }

  /** Starts a child JVM running {@link CoordinationChild} with the fixture's environment. */
  Process child(List<String> jvmArgs, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xmx128m");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(CoordinationChild.class.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(base.resolve("child-" + System.nanoTime() + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static int await(Process p, int seconds) throws InterruptedException {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish within " + seconds + "s");
    }
    return p.exitValue();
  }

  static byte[] read(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
