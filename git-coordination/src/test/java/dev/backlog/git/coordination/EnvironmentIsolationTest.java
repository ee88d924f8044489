package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.git.coordination.internal.AtomicFiles;
import dev.backlog.git.coordination.internal.GitResult;
import dev.backlog.git.coordination.internal.GitRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentIsolationTest {

  @TempDir Path tmp;

  @Test
  void recordingFromInsideAnotherRepositorysHookWithGitDirSetLeavesThatRepositoryUntouched()
      throws Exception {
    GitFixture fx = new GitFixture(tmp);
    Path a = fx.newRepo("a");
    Path b = fx.newRepo("b");
    Coordinator coord = Coordinator.open(a, fx.config().build());
    Mission mission = coord.init(new Mission("hooked", "12345678"), "main");
    String refsBefore = fx.git(b, "for-each-ref", "--format=%(refname) %(objectname)").text();
    String configBefore = fx.git(b, "config", "--local", "--list").text();
    String worktreesBefore = worktreePaths(fx, b);
    Path bGit = b.resolve(".git");
    fx.hook(
        b,
        "pre-commit",
        String.join(
            "\n",
            "export GIT_DIR='"
                + bGit
                + "' GIT_WORK_TREE='"
                + b
                + "' GIT_INDEX_FILE='"
                + bGit.resolve("index")
                + "'",
            "export GIT_OBJECT_DIRECTORY='"
                + bGit.resolve("objects")
                + "' GIT_COMMON_DIR='"
                + bGit
                + "'",
            "export GIT_CONFIG_PARAMETERS=\"'user.name=hijacked'\"",
            "exec '"
                + GitFixture.javaBin()
                + "' -XX:TieredStopAtLevel=1 -cp '"
                + GitFixture.classpath()
                + "' "
                + CoordinationChild.class.getName()
                + " record '"
                + a
                + "' "
                + mission.handle()
                + " A1 from-hook"));
    Files.writeString(b.resolve("change.txt"), "b's own change\n");
    fx.git(b, "add", "change.txt");

    fx.git(b, "commit", "-q", "-m", "b's commit");

    // the coordination repository got the event
    assertEquals(
        List.of("from-hook"),
        coord.events(mission).stream().map(e -> e.data().get("key")).toList());
    assertEquals(
        "Test Runner",
        fx.git(a, "log", "-1", "--format=%an", mission.branch()).text(),
        "inherited -c parameters were not applied");
    // the hooked repository only got its own commit
    String refsAfter = fx.git(b, "for-each-ref", "--format=%(refname) %(objectname)").text();
    assertEquals(1, refsAfter.lines().count());
    assertEquals(refsBefore.lines().count(), refsAfter.lines().count());
    assertFalse(refsAfter.contains("backlog/"));
    assertEquals("b's commit", fx.git(b, "log", "-1", "--format=%s").text());
    assertEquals("Initial commit", fx.git(b, "log", "-1", "--format=%s", "HEAD~1").text());
    assertEquals(configBefore, fx.git(b, "config", "--local", "--list").text());
    assertEquals(worktreesBefore, worktreePaths(fx, b));
    assertEquals("", fx.git(b, "status", "--porcelain").text());
    assertFalse(Files.exists(bGit.resolve("backlog")));
    assertFalse(Files.exists(b.resolve(".worktrees")));
  }

  private static String worktreePaths(GitFixture fx, Path repo) {
    return String.join(
        "\n",
        fx.git(repo, "worktree", "list", "--porcelain").lines().stream()
            .filter(l -> l.startsWith("worktree "))
            .toList());
  }

  @Test
  void theRunnerRemovesRedirectingVariablesAndForcesTheCLocale() {
    GitRunner runner =
        new GitRunner("git", Duration.ofSeconds(10), Map.of("GIT_CONFIG_GLOBAL", "/x"), "C");
    Map<String, String> env =
        runner.childEnvironment(
            Map.of(
                "GIT_DIR",
                "/elsewhere",
                "GIT_WORK_TREE",
                "/w",
                "GIT_INDEX_FILE",
                "/i",
                "GIT_OBJECT_DIRECTORY",
                "/o",
                "GIT_COMMON_DIR",
                "/c",
                "GIT_CONFIG_KEY_0",
                "k",
                "GIT_CONFIG_VALUE_0",
                "v",
                "LC_ALL",
                "de_DE.UTF-8",
                "PATH",
                "/usr/bin",
                "GIT_TERMINAL_PROMPT",
                "1"));
    for (String k :
        List.of(
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_COMMON_DIR",
            "GIT_CONFIG_KEY_0",
            "GIT_CONFIG_VALUE_0")) {
      assertFalse(env.containsKey(k), k);
    }
    assertEquals("C", env.get("LC_ALL"));
    assertEquals("0", env.get("GIT_TERMINAL_PROMPT"));
    assertEquals("/usr/bin", env.get("PATH"));
    assertEquals("/x", env.get("GIT_CONFIG_GLOBAL"));
  }

  @Test
  void outcomesAreClassifiedTheSameWhenGitSpeaksGerman() throws Exception {
    GitFixture fx = new GitFixture(tmp);
    fx.env.put("LANG", "de_DE.UTF-8");
    fx.env.put("LANGUAGE", "de");
    Path repo = fx.newRepo("repo");
    CoordinationConfig config = fx.config().gitTimeout(Duration.ofSeconds(3)).build();

    // with the production runner LC_ALL=C wins over LANG and LANGUAGE
    GitRunner production = new GitRunner("git", Duration.ofSeconds(10), fx.env, "C");
    // LC_ALL=C.UTF-8 is installed everywhere and, unlike C, lets LANGUAGE=de pick German messages
    GitRunner german = new GitRunner("git", Duration.ofSeconds(10), fx.env, "C.UTF-8");
    GitResult c = production.run(repo, "checkout", "no-such-branch");
    GitResult de = german.run(repo, "checkout", "no-such-branch");
    assertEquals(c.exitCode(), de.exitCode());
    assertTrue(c.stderr().contains("did not match"), c.stderr());
    if (Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/git.mo"))) {
      assertFalse(de.stderr().contains("did not match"), "git speaks German here: " + de.stderr());
    }

    // now run everything with git speaking German
    Coordinator coord = Coordinator.open(repo, config, "C.UTF-8");
    Mission mission = coord.init(new Mission("sprache", "0000de00"), "main");
    coord.record(mission, EventDraft.of(CardId.of("A1"), "claimed", "w1"));
    Path wt = coord.coordinationWorktree(mission);
    String log = AtomicFiles.sha256(wt.resolve(mission.eventLogPath()));
    fx.hook(repo, "pre-commit", "exit 1");
    GitCoordinationException refused =
        assertThrows(
            GitCoordinationException.class,
            () -> coord.record(mission, EventDraft.of(CardId.of("A1"), "completed", "w1")));
    assertEquals(GitErrorCode.COMMIT_REFUSED, refused.code());
    assertEquals(log, AtomicFiles.sha256(wt.resolve(mission.eventLogPath())));
    fx.removeHook(repo, "pre-commit");

    Lane one = coord.addLane(mission, 0);
    Lane two = coord.addLane(mission, 0);
    Files.writeString(one.worktree().resolve("README.md"), "eins\n");
    coord.safeCommit(one.worktree(), one.branch(), List.of("README.md"), "eins");
    Files.writeString(two.worktree().resolve("README.md"), "zwei\n");
    coord.safeCommit(two.worktree(), two.branch(), List.of("README.md"), "zwei");
    MergeConflictException conflict =
        assertThrows(MergeConflictException.class, () -> coord.merge(mission, "main"));
    assertEquals(List.of("README.md"), conflict.paths());
    GitCoordinationException wrong =
        assertThrows(
            GitCoordinationException.class, () -> coord.safeCommit(wt, "other", List.of("x"), "x"));
    assertEquals(GitErrorCode.WRONG_DESTINATION, wrong.code());
    assertTrue(
        german
            .run(repo, "merge", "no-such-branch")
            .stderr()
            .toLowerCase()
            .contains("merge: no-such-branch"),
        "sanity: the command failed (its message may be German)");
  }
}
