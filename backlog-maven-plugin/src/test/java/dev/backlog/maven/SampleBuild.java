package dev.backlog.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Maven build of a sample project (src/test/projects) in its own directory, run as a process
 * by the Maven that runs this build, against the private repository the plugin was installed into
 * (target/it-repo; artifacts it lacks come from the host's local repository read as a remote
 * repository, which has no checksum files, then Central). Not thread-safe.
 */
final class SampleBuild {

  final Path dir;
  final Path log;
  private Process process;
  private String servers = "";

  private SampleBuild(Path dir) {
    this.dir = dir;
    this.log = dir.resolve("build.log");
  }

  /** Copies sample {@code name} into {@code parent/name-suffix}. */
  static SampleBuild of(String name, Path parent, String suffix) throws IOException {
    Path from = Path.of(System.getProperty("backlog.it.projects"), name);
    Path to = parent.resolve(name + "-" + suffix);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          String text = Files.readString(f, StandardCharsets.UTF_8);
          Files.writeString(
              target,
              text.replace("@pluginVersion@", System.getProperty("backlog.it.pluginVersion")));
        }
      }
    }
    return new SampleBuild(to);
  }

  /** Makes the project a git repository with one commit; returns the commit. */
  String gitInit() throws IOException, InterruptedException {
    run("git", "init", "-q");
    run("git", "add", ".");
    run(
        "git",
        "-c",
        "user.name=it",
        "-c",
        "user.email=it@example.org",
        "commit",
        "-q",
        "-m",
        "sample");
    return run("git", "rev-parse", "HEAD").trim();
  }

  private String run(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** Adds a {@code <server>} to the build's settings.xml. */
  SampleBuild withServer(String id, String username, String password) {
    servers +=
        "<server><id>%s</id><username>%s</username><password>%s</password></server>"
            .formatted(id, username, password);
    return this;
  }

  /** Starts {@code mvn -B ARGS}. */
  SampleBuild start(String... args) throws IOException {
    Path settings = dir.resolve("it-settings.xml");
    Files.writeString(settings, settings(servers), StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("backlog.it.mavenHome"), "bin", "mvn").toString());
    command.add("-B");
    command.add("-s");
    command.add(settings.toString());
    command.add("-Dmaven.repo.local=" + System.getProperty("backlog.it.repo"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("MAVEN_OPTS");
    pb.environment().remove("BACKLOG_HOME");
    process = pb.start();
    return this;
  }

  /** Waits for the build; returns its exit code. */
  int await() throws InterruptedException {
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the build in " + dir + " did not end within 5 minutes:\n" + output());
    }
    return process.exitValue();
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file(String relative) {
    return dir.resolve(relative);
  }

  private static String settings(String servers) {
    String host = Path.of(System.getProperty("backlog.it.hostRepo")).toUri().toString();
    return """
        <settings>
          <servers>%2$s</servers>
          <profiles>
            <profile>
              <id>host-repo</id>
              <repositories>
                <repository><id>host-repo</id><url>%1$s</url>
                  <releases><checksumPolicy>ignore</checksumPolicy></releases>
                  <snapshots><enabled>false</enabled></snapshots></repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository><id>host-repo</id><url>%1$s</url>
                  <releases><checksumPolicy>ignore</checksumPolicy></releases>
                  <snapshots><enabled>false</enabled></snapshots></pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>host-repo</activeProfile></activeProfiles>
        </settings>
        """
        .formatted(host, servers);
  }
}
