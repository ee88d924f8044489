package dev.backlog.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.chaos.internal.CliRunner;
import dev.backlog.chaos.internal.OutputLog;
import dev.backlog.chaos.internal.PgServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planted secrets (a database password and a GitHub token) never appear in any output: every
 * command of a session on PostgreSQL, errors, {@code --json} and {@code --verbose} included, an
 * unreachable database named with the password in its URL, and a GitHub tracker whose API cannot be
 * reached. The test greps everything every process wrote.
 */
class SecretsTest {

  private static final String DB_PASSWORD = "PlantedDbPassword-7f3a91c2";
  private static final String GITHUB_TOKEN = "ghp_PlantedGitHubToken0123456789abcdef";

  @TempDir Path tmp;

  @Test
  void plantedSecretsAreAbsentFromEveryLineOfEveryCommandsOutput() throws IOException {
    OutputLog log = new OutputLog();
    List<CliRunner.Result> results = new ArrayList<>();
    try (PgServer pg = PgServer.start(tmp.resolve("pg"), DB_PASSWORD)) {
      CliRunner cli =
          new CliRunner(HostileInputTest.JAR, tmp.resolve("project"), log)
              .env("BACKLOG_HOME", tmp.resolve("home").toString())
              .env("BACKLOG_DB_URL", pg.cliUrl(pg.freshSchema("secrets")))
              .env("BACKLOG_DB_USER", "postgres")
              .env("BACKLOG_DB_PASSWORD", DB_PASSWORD)
              .env("GH_PLANTED", GITHUB_TOKEN);
      results.add(ok(cli.run("create", "--id", "A1", "--title", "Schema", "--json")));
      results.add(ok(cli.run("create", "--id", "A2", "--title", "API", "--depends-on", "A1")));
      CliRunner.Result claim = ok(cli.run("claim", "--owner", "w1", "--json", "--verbose"));
      results.add(claim);
      results.add(ok(cli.run("renew", "A1", "--token", tokenOf(claim), "--json")));
      results.add(cli.run("complete", "A1", "--token", "999999", "--json"));
      results.add(ok(cli.run("complete", "A1", "--token", tokenOf(claim), "--json")));
      for (String[] args :
          new String[][] {
            {"stats", "--json"},
            {"stats", "--verbose"},
            {"events", "--json"},
            {"list"},
            {"graph"},
            {"export"},
            {"show", "NOPE", "--json"},
            {"show", "NOPE", "--verbose"},
            {"create", "--id", "../x", "--title", "t", "--json"},
          }) {
        results.add(cli.run(args));
      }

      // the database unreachable, its password in the URL, the user info, and the environment
      String unreachable =
          "jdbc:postgresql://127.0.0.1:1/backlog?user=postgres&password=" + DB_PASSWORD;
      CliRunner.Result down = cli.run("--db", unreachable, "stats", "--json");
      assertEquals(5, down.exit(), down.err());
      results.add(down);
      results.add(cli.run("--db", unreachable, "claim", "--owner", "w", "--verbose"));
      results.add(
          cli.run(
              "--db",
              "jdbc:postgresql://postgres:" + DB_PASSWORD + "@127.0.0.1:1/backlog",
              "stats",
              "--verbose"));

      // a GitHub tracker with the token in the environment and its API unreachable
      Path config = cli.workDir().resolve(".backlog/config.json");
      Files.createDirectories(config.getParent());
      Files.writeString(
          config,
          "{\"tracker\":{\"provider\":\"github\",\"github\":{\"repo\":\"octo/widgets\","
              + "\"apiUrl\":\"http://127.0.0.1:1\",\"auth\":{\"tokenEnv\":\"GH_PLANTED\"}}}}");
      for (String[] args :
          new String[][] {
            {"tracker", "status", "--json"},
            {"tracker", "status", "--verbose"},
            {"tracker", "sync", "--json"},
            {"tracker", "sync", "--verbose"},
            {"tracker", "render", "--json"},
          }) {
        CliRunner.Result r = cli.run(args);
        results.add(r);
      }
      // the password misplaced into a config file as a number, and as a string
      Files.writeString(config, "{\"dbPassword\": 7}");
      results.add(cli.run("stats", "--json"));
      Files.writeString(config, "{\"dbPassword\": \"" + DB_PASSWORD + "\"}");
      results.add(cli.run("--verbose", "stats", "--json"));
    }
    assertTrue(log.size() >= results.size(), "every process's output was kept");
    assertEquals(0, log.dropped());
    for (String secret : List.of(DB_PASSWORD, GITHUB_TOKEN)) {
      List<String> leaks = log.containing(secret);
      assertTrue(
          leaks.isEmpty(),
          "the planted secret appears in output:\n" + String.join("\n====\n", leaks));
    }
    long failures = results.stream().filter(r -> r.exit() != 0).count();
    assertTrue(failures >= 8, "the errors were exercised too: " + failures);
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertNotEquals(-9, r.exit());
    assertEquals(0, r.exit(), r.err());
    return r;
  }

  private static String tokenOf(CliRunner.Result claim) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(claim.out())
        .get("lease")
        .get("token")
        .asText();
  }
}
