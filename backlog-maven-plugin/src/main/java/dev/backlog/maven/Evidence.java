package dev.backlog.maven;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.Claim;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a build shows for its card: the outcome and first error, Surefire and Failsafe test counts
 * from the reports this build wrote in every project, the git HEAD commit, the duration. Logged as
 * one INFO line and written to {@code target/backlog-evidence.json} of the top-level project; a
 * successful build's evidence is also kept on the card's run and in its {@code completed} event.
 * Immutable.
 */
final class Evidence {

  private static final Logger LOG = LoggerFactory.getLogger(Evidence.class);

  private final ObjectNode json;
  private final Path file;
  private final boolean success;
  private final String failure;

  private Evidence(ObjectNode json, Path file, boolean success, String failure) {
    this.json = json;
    this.file = file;
    this.success = success;
    this.failure = failure;
  }

  static Evidence collect(MavenSession session, Claim claim, Duration duration) {
    List<Throwable> errors = session.getResult().getExceptions();
    boolean success = errors.isEmpty();
    String failure = success ? null : firstMessage(errors.get(0));
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = mapper.createObjectNode();
    json.put("card", claim.card().id().toString());
    json.put("leaseToken", claim.token().toString());
    json.put("owner", claim.lease().owner());
    json.put("result", success ? "success" : "failure");
    json.put("failure", failure);
    ObjectNode tests = json.putObject("tests");
    // Reports older than this build are a previous build's (e.g. `mvn test`, then `mvn validate`).
    long since =
        session.getRequest().getStartTime() == null
            ? 0
            : session.getRequest().getStartTime().getTime();
    tests.set("surefire", counts(mapper, session.getProjects(), "surefire-reports", since));
    tests.set("failsafe", counts(mapper, session.getProjects(), "failsafe-reports", since));
    Path base =
        session.getTopLevelProject() != null
            ? session.getTopLevelProject().getBasedir().toPath()
            : Path.of(session.getExecutionRootDirectory());
    json.put("commit", gitHead(base).orElse(null));
    json.put("durationMillis", duration.toMillis());
    Path target =
        session.getTopLevelProject() != null
            ? Path.of(session.getTopLevelProject().getBuild().getDirectory())
            : base.resolve("target");
    return new Evidence(json, target.resolve("backlog-evidence.json"), success, failure);
  }

  boolean success() {
    return success;
  }

  /** The first error's message (never null for a failed build). */
  String failure() {
    return failure == null ? "the build failed" : failure;
  }

  /** The evidence as compact JSON text, as {@code Backlog.complete} keeps it. */
  String json() {
    return json.toString();
  }

  void log() {
    LOG.info("backlog: evidence {}", json);
  }

  void write() {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warn("backlog: could not write {}: {}", file, e.toString());
    }
  }

  private static String firstMessage(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.toString() : message;
  }

  private static ObjectNode counts(
      ObjectMapper mapper, List<MavenProject> projects, String dir, long sinceMillis) {
    TestCounts counts =
        TestCounts.read(
            projects.stream().map(p -> Path.of(p.getBuild().getDirectory(), dir)).toList(),
            sinceMillis);
    ObjectNode node = mapper.createObjectNode();
    node.put("tests", counts.tests());
    node.put("failures", counts.failures());
    node.put("errors", counts.errors());
    node.put("skipped", counts.skipped());
    return node;
  }

  /** {@code git rev-parse HEAD} in {@code dir}, when it is inside a git work tree. */
  static Optional<String> gitHead(Path dir) {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "HEAD")
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40,64}")
          ? Optional.of(out)
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
