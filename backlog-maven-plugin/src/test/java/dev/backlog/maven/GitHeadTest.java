package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHeadTest {

  @TempDir Path tmp;

  private String git(Path dir, String... args) throws Exception {
    String[] command = new String[args.length + 5];
    command[0] = "git";
    command[1] = "-c";
    command[2] = "user.name=t";
    command[3] = "-c";
    command[4] = "user.email=t@example.org";
    System.arraycopy(args, 0, command, 5, args.length);
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.trim();
  }

  @Test
  void isTheHeadCommitInsideAGitWorkTreeAndEmptyOutsideOne() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    git(repo, "init", "-q");
    Files.writeString(repo.resolve("f"), "x");
    git(repo, "add", "f");
    git(repo, "commit", "-q", "-m", "one");
    String head = git(repo, "rev-parse", "HEAD");
    Path module = Files.createDirectories(repo.resolve("module"));
    assertEquals(Optional.of(head), Evidence.gitHead(module));
    assertEquals(Optional.empty(), Evidence.gitHead(Files.createDirectories(tmp.resolve("plain"))));
  }
}
