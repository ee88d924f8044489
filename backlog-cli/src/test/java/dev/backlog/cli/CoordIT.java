package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backlog coord …} from init to merge, through the real jar, in a real git repository. */
class CoordIT {

  @TempDir Path tmp;

  @Test
  void aMissionGoesFromInitThroughLanesAndRecordsToAMergeWithJsonOutputAndExitCodes()
      throws Exception {
    CliProcess cli = new CliProcess(tmp);
    Path gitconfig = tmp.resolve("gitconfig");
    Files.writeString(
        gitconfig,
        "[user]\n\tname = Coord Test\n\temail = coord@example.invalid\n[commit]\n\tgpgsign = false\n");
    cli.env.put("HOME", tmp.resolve("home").toString());
    cli.env.put("GIT_CONFIG_GLOBAL", gitconfig.toString());
    cli.env.put("GIT_CONFIG_NOSYSTEM", "1");
    cli.env.put("LANG", "de_DE.UTF-8");
    Path repo = cli.workDir;
    git(cli, repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("README.md"), "# demo\n");
    git(cli, repo, "add", "README.md");
    git(cli, repo, "commit", "-q", "-m", "Initial commit");

    CliProcess.Result init = cli.run("coord", "init", "--mission", "demo", "--json");
    assertEquals(0, init.exit(), init.toString());
    String mission = init.json().get("mission").asText();
    assertTrue(mission.startsWith("demo-"), mission);
    assertTrue(init.json().get("created").asBoolean());

    // the slug alone names the mission while only one mission has it
    CliProcess.Result lane = cli.run("coord", "lane", "add", "--mission", "demo", "--json");
    assertEquals(0, lane.exit(), lane.toString());
    Path laneDir = Path.of(lane.json().get("worktree").asText());
    assertEquals(1, lane.json().get("number").asInt());
    Files.writeString(laneDir.resolve("feature.txt"), "work\n");
    git(cli, laneDir, "add", "feature.txt");
    git(cli, laneDir, "commit", "-q", "-m", "Lane work");

    CliProcess.Result record =
        cli.run(
            "coord",
            "record",
            "--mission",
            mission,
            "--card",
            "C1",
            "--type",
            "claimed",
            "--lease",
            "12",
            "--actor",
            "w1",
            "--json");
    assertEquals(0, record.exit(), record.toString());
    assertEquals("w1", record.json().get("events").get(0).get("actor").asText());

    CliProcess.Result stale =
        cli.run(
            "coord",
            "record",
            "--mission",
            mission,
            "--card",
            "C1",
            "--type",
            "completed",
            "--lease",
            "11",
            "--json");
    assertEquals(4, stale.exit(), stale.toString());
    assertEquals("STALE_LEASE", stale.errorJson().get("error").get("code").asText());

    CliProcess.Result status = cli.run("coord", "status", "--mission", mission, "--json");
    assertEquals(0, status.exit(), status.toString());
    assertEquals("claimed", status.json().get("cards").get("C1").get("state").asText());
    assertEquals(12, status.json().get("cards").get("C1").get("lease").asLong());

    CliProcess.Result doctor = cli.run("coord", "doctor", "--json");
    assertEquals(0, doctor.exit(), doctor.toString());
    assertTrue(doctor.json().get("healthy").asBoolean());

    CliProcess.Result merge =
        cli.run("coord", "merge", "--mission", mission, "--target", "main", "--json");
    assertEquals(0, merge.exit(), merge.toString());
    assertEquals(List.of(1), List.of(merge.json().get("lanesMerged").get(0).asInt()));
    assertTrue(Files.exists(repo.resolve("feature.txt")));
    JsonNode merged =
        CliProcess.JSON.readTree(
            repo.resolve(".backlog/missions/" + mission + "/status.json").toFile());
    assertEquals(status.json(), merged, "status.json on main equals the status the CLI reported");

    CliProcess.Result cleanup =
        cli.run("coord", "cleanup", "--mission", mission, "--grace", "0", "--json");
    assertEquals(0, cleanup.exit(), cleanup.toString());
    assertEquals(1, cleanup.json().get("removed").get(0).asInt());
    assertFalse(Files.exists(laneDir));
    CliProcess.Result lanes = cli.run("coord", "lane", "list", "--mission", mission, "--json");
    assertEquals(0, lanes.json().size());

    CliProcess.Result missing =
        cli.run("coord", "status", "--mission", "nothing-00000000", "--json");
    assertEquals(3, missing.exit(), missing.toString());
    CliProcess.Result bad = cli.run("coord", "lane", "add", "--mission", "../x", "--json");
    assertEquals(2, bad.exit(), bad.toString());
    CliProcess.Result noSuchSlug = cli.run("coord", "status", "--mission", "nothing", "--json");
    assertEquals(3, noSuchSlug.exit(), noSuchSlug.toString());
    assertEquals("MISSION_NOT_FOUND", noSuchSlug.errorJson().get("error").get("code").asText());

    CliProcess.Result again = cli.run("coord", "init", "--mission", "demo", "--json");
    assertEquals(mission, again.json().get("mission").asText(), "init with the slug reuses it");
    assertFalse(again.json().get("created").asBoolean());
    CliProcess.Result second = cli.run("coord", "init", "--mission", "demo", "--new", "--json");
    assertTrue(second.json().get("created").asBoolean());
    String other = second.json().get("mission").asText();
    CliProcess.Result initAgain = cli.run("coord", "init", "--mission", "demo");
    assertEquals(2, initAgain.exit(), initAgain.toString());
    assertTrue(initAgain.err().contains("; give the handle of one, or --new to start another"));
    CliProcess.Result badSlug = cli.run("coord", "init", "--mission", "Bad Slug");
    assertEquals(2, badSlug.exit(), badSlug.toString());
    assertTrue(badSlug.err().contains("mission slug 'Bad Slug' is not allowed"), badSlug.err());
    CliProcess.Result ambiguous = cli.run("coord", "status", "--mission", "demo");
    assertEquals(2, ambiguous.exit(), ambiguous.toString());
    List<String> sorted = new java.util.ArrayList<>(List.of(mission, other));
    java.util.Collections.sort(sorted);
    assertTrue(
        ambiguous
            .err()
            .contains(
                "mission slug 'demo' names 2 missions ("
                    + String.join(", ", sorted)
                    + "); give the handle of one"),
        ambiguous.err());
    assertEquals(0, cli.run("coord", "lane", "add", "--mission", other).exit());
    CliProcess.Result kept = cli.run("coord", "cleanup", "--mission", other, "--grace", "0");
    assertEquals(
        "removed no lanes\nkept lane 1: no merge recorded by 'coord merge'\n",
        kept.out(),
        kept.toString());
  }

  private static void git(CliProcess cli, Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(cli.env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "git " + args[0] + ": " + out);
  }
}
