package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where settings come from: flags, then environment, then project config, then home config, then
 * defaults.
 */
class SettingsTest {

  @TempDir Path dir;

  Path home;
  Path project;
  InProcess cli;

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(dir.resolve("home"));
    project = Files.createDirectories(dir.resolve("repo/sub/deeper"));
    cli = new InProcess(home, project);
  }

  @Test
  void withoutConfigTheDefaultsApply() {
    assertEquals(0, cli.run("stats").exit());
    assertEquals(null, cli.lastSettings.dbUrl());
    assertEquals(home.toAbsolutePath(), cli.lastSettings.home());
    assertEquals(System.getProperty("user.name"), cli.lastSettings.actor());
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsProjectConfigWhichBeatsHomeConfig() throws IOException {
    Files.writeString(
        home.resolve("config.json"),
        "{\"db\":\"jdbc:h2:mem:home\",\"actor\":\"home-actor\"," + "\"dbUser\":\"home-user\"}");
    Files.createDirectories(dir.resolve("repo/.backlog"));
    Files.writeString(
        dir.resolve("repo/.backlog/config.json"),
        "{\"db\":\"jdbc:h2:mem:project\",\"actor\":\"proj\"}");
    cli.run("stats");
    assertEquals(
        "jdbc:h2:mem:project", cli.lastSettings.dbUrl(), "project config beats home config");
    assertEquals("proj", cli.lastSettings.actor());
    assertEquals(
        "home-user",
        cli.lastSettings.dbUser(),
        "home config fills what the project config leaves out");

    cli.env.put("BACKLOG_DB_URL", "jdbc:h2:mem:env");
    cli.run("stats");
    assertEquals("jdbc:h2:mem:env", cli.lastSettings.dbUrl(), "environment beats config files");

    cli.run("stats", "--db", "jdbc:h2:mem:flag", "--actor", "flagged");
    assertEquals("jdbc:h2:mem:flag", cli.lastSettings.dbUrl(), "a flag beats everything");
    assertEquals("flagged", cli.lastSettings.actor());
  }

  @Test
  void globalOptionsWorkBeforeAndAfterTheCommand() {
    cli.run("--actor", "before", "stats");
    assertEquals("before", cli.lastSettings.actor());
    cli.run("stats", "--actor", "after");
    assertEquals("after", cli.lastSettings.actor());
    InProcess.Run json = cli.run("stats", "--json");
    assertTrue(json.out().startsWith("{\"counts\""), json.out());
  }

  @Test
  void theHomeFlagChoosesTheHomeConfig() throws IOException {
    Path other = Files.createDirectories(dir.resolve("other-home"));
    Files.writeString(other.resolve("config.json"), "{\"actor\":\"other\"}");
    cli.run("--home", other.toString(), "stats");
    assertEquals(other.toAbsolutePath(), cli.lastSettings.home());
    assertEquals("other", cli.lastSettings.actor());
  }

  @Test
  void aMalformedConfigFileFailsLoudlyNamingTheFileAndTheProblem() throws IOException {
    Path file = home.resolve("config.json");
    Files.writeString(file, "{\"actor\": \"x\",");
    InProcess.Run run = cli.run("stats");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains(file.toString()), run.err());
    assertTrue(run.err().contains("not valid JSON"), run.err());

    Files.writeString(file, "{\"acter\": \"x\", \"db\": 5}");
    run = cli.run("--json", "stats");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("CONFIG_INVALID"), run.err());
    assertTrue(
        run.err().contains("unknown key 'acter' (allowed: actor, db, dbPassword, dbUser, tracker)"),
        run.err());
    assertTrue(run.err().contains("key 'db' that is a number, not a non-blank string"), run.err());

    Files.writeString(file, "[]");
    run = cli.run("stats");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("must hold a JSON object"), run.err());
  }

  @Test
  void thePasswordNeverAppearsInSettingsOutput() {
    cli.env.put("BACKLOG_DB_PASSWORD", "s3cret-value");
    cli.run("stats", "--db", "jdbc:postgresql://db:5432/x?user=u&password=other-secret");
    String shown = cli.lastSettings.toString();
    assertTrue(!shown.contains("s3cret-value") && !shown.contains("other-secret"), shown);
  }
}
