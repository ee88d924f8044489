package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The picocli-free reading of a plain claim line against picocli's annotated model. */
class PlainClaimTest {

  @TempDir Path dir;

  private Cli cli() {
    return readingOnly(dir);
  }

  /** A CLI that reads command lines but must open no store. */
  static Cli readingOnly(Path dir) {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Cli(
        sink,
        sink,
        Map.of(),
        dir,
        (settings, pool, brief) -> {
          throw new AssertionError("reading a line opens no store");
        });
  }

  private static Map<String, OptionSpec> options(CommandSpec spec, boolean inherited) {
    Map<String, OptionSpec> out = new TreeMap<>();
    for (OptionSpec o : spec.options()) {
      if (!o.usageHelp() && !o.versionHelp() && o.inherited() == inherited) {
        out.put(o.longestName(), o);
      }
    }
    return out;
  }

  /** What a read line decides: the root's options and the claim's. */
  private static List<Object> values(RootCommand root, LeaseCommands.ClaimCards claim) {
    return Arrays.asList(
        root.db,
        root.dbUser,
        root.home,
        root.json,
        root.actor,
        root.verbose,
        claim.owner,
        claim.ttl,
        claim.id,
        claim.phase,
        claim.limit,
        claim.waitSeconds,
        claim.leasePhase,
        claim.attributes);
  }

  /** The annotated model's reading, or null when it rejects the line. */
  private List<Object> annotated(String... line) {
    RootCommand root = new RootCommand(cli());
    CommandLine cl = Commands.commandLine(root, line);
    try {
      cl.parseArgs(line);
    } catch (CommandLine.ParameterException e) {
      return null;
    }
    CommandLine claim = cl.getSubcommands().get("claim");
    return claim == null
        ? null
        : values(root, (LeaseCommands.ClaimCards) claim.getCommandSpec().userObject());
  }

  private List<Object> plain(String... line) {
    RootCommand root = new RootCommand(cli());
    LeaseCommands.ClaimCards claim = PlainClaim.parse(root, line);
    return claim == null ? null : values(root, claim);
  }

  @Test
  void theOptionNamesAndDefaultsAreTheAnnotatedModels() {
    CommandLine cl = Commands.commandLine(new RootCommand(cli()), "claim", "--owner", "w");
    CommandSpec claim = cl.getSubcommands().get("claim").getCommandSpec();
    assertEquals(options(cl.getCommandSpec(), false).keySet(), PlainClaim.ROOT_OPTIONS);
    assertEquals(options(claim, true).keySet(), PlainClaim.ROOT_OPTIONS);
    assertEquals(options(claim, false).keySet(), PlainClaim.CLAIM_OPTIONS);
    assertEquals(
        annotated("claim", "--owner", "w"), plain("claim", "--owner", "w"), "the defaults");
  }

  @Test
  void onlyPlainLinesAreRead() {
    assertNotNull(plain("--json", "claim", "--owner", "w"));
    assertNotNull(
        plain("--home", "/tmp/h", "claim", "--owner=w", "--ttl", "60", "--limit", "2", "--json"));
    // A length with a unit stays on the plain path and reads as the annotated model reads it.
    assertEquals(
        annotated("claim", "--owner", "w", "--ttl", "15m", "--wait=2s"),
        plain("claim", "--owner", "w", "--ttl", "15m", "--wait=2s"));
    assertNotNull(plain("claim", "--owner", "w", "--ttl", "15m", "--wait=2s"));
    for (String line :
        List.of(
            "claim",
            "list --owner w",
            "claim --help",
            "claim --owner w -h",
            "--version claim",
            "claim --owner -w",
            "--owner w claim",
            "claim --owner w --owner x",
            "claim --owner w --json=true",
            "claim --owner w --ttl 007",
            "claim --owner w --ttl +7",
            "claim --owner w --ttl 1e3",
            "claim --owner w --ttl 015m",
            "claim --owner w --ttl PT5M",
            "claim --owner w --ttl 1.5h",
            "claim --owner w --limit 2m",
            "claim claim --owner w",
            "claim --owner w --",
            "claim --owner @w",
            "claim --owner=",
            "claim --owner w --limit 9999999999",
            "claim --owner w --json --json",
            "claim --owner w --bogus")) {
      assertNull(plain(line.split(" ")), line);
    }
  }

  @Test
  void everyPlainLineReadsAsOnTheAnnotatedModel() {
    Random random = new Random(20261124);
    List<String> values =
        List.of(
            "w",
            "claim",
            "60",
            "0",
            "007",
            "x=y",
            "@f",
            "-x",
            "",
            "9999999999",
            "1",
            "a b",
            "/tmp/h",
            "jdbc:h2:mem:x;A=B",
            "+5",
            "15m",
            "2h",
            "0s",
            "015m",
            "PT5M",
            "1.5h");
    List<String> rootOptions = new ArrayList<>(PlainClaim.ROOT_OPTIONS);
    List<String> claimOptions = new ArrayList<>(PlainClaim.CLAIM_OPTIONS);
    Collections.sort(rootOptions);
    Collections.sort(claimOptions);
    int plainLines = 0;
    for (int n = 0; n < 5000; n++) {
      List<String> before = new ArrayList<>();
      List<String> after = new ArrayList<>();
      for (String option : rootOptions) {
        if (random.nextInt(3) == 0) {
          add(random.nextBoolean() ? before : after, option, values, random);
        }
      }
      for (String option : claimOptions) {
        int times =
            option.equals("--owner")
                ? (random.nextInt(8) == 0 ? 0 : 1)
                : random.nextInt(3) == 0 ? 1 : 0;
        for (int t = 0; t < times + (random.nextInt(30) == 0 ? 1 : 0); t++) {
          add(random.nextInt(20) == 0 ? before : after, option, values, random);
        }
      }
      Collections.shuffle(after, random);
      List<String> line = new ArrayList<>(before);
      line.add("claim");
      line.addAll(after);
      String[] args = line.toArray(String[]::new);
      List<Object> plain = plain(args);
      if (plain != null) {
        plainLines++;
        assertEquals(annotated(args), plain, String.join(" ", args));
      }
    }
    assertTrue(plainLines > 300, "enough plain lines to compare: " + plainLines);
  }

  private static void add(List<String> line, String option, List<String> values, Random random) {
    boolean flag = Set.of("--json", "--verbose").contains(option);
    if (flag) {
      line.add(random.nextInt(10) == 0 ? option + "=true" : option);
      return;
    }
    String value =
        random.nextInt(6) == 0
            ? values.get(random.nextInt(values.size()))
            : option.equals("--ttl") || option.equals("--limit") || option.equals("--wait")
                ? String.valueOf(random.nextInt(5000))
                : "v" + random.nextInt(100);
    if (random.nextBoolean()) {
      line.add(option + "=" + value);
    } else {
      line.add(option);
      line.add(value);
    }
  }

  @Test
  void aPlainClaimRunsAndALineThatIsNotPlainFailsOnTheAnnotatedModel() throws IOException {
    InProcess run = new InProcess(dir.resolve("home"), dir);
    ObjectMapper json = new ObjectMapper();
    assertEquals(0, run.run("create", "--id", "A1", "--title", "t").exit());
    InProcess.Run ok = run.run("claim", "--owner", "w", "--json");
    assertEquals(0, ok.exit(), ok.err());
    assertEquals("w", json.readTree(ok.out()).get("lease").get("owner").asText());
    InProcess.Run none = run.run("--json", "claim", "--owner=w", "--ttl", "60");
    assertEquals(0, none.exit(), none.err());
    assertEquals("null", none.out().strip());

    InProcess.Run bad = run.run("claim", "--owner", "w", "--ttl", "abc", "--json");
    assertEquals(2, bad.exit());
    JsonNode error = json.readTree(bad.err()).get("error");
    assertEquals("USAGE", error.get("code").asText());
    assertEquals(
        "Invalid value for option '--ttl': 'abc' is not a length of time; give seconds (900) or a"
            + " number with a unit: 90s, 30m, 2h, 1d (run 'backlog claim --help' for usage)",
        error.get("message").asText());
    InProcess.Run missing = run.run("claim");
    assertEquals(2, missing.exit());
    assertEquals(
        "backlog: Missing required option: '--owner=O' (run 'backlog claim --help' for usage)",
        missing.err().strip());
    InProcess.Run notANumber = run.run("claim", "--owner", "w", "--limit", "two");
    assertEquals(
        "backlog: Invalid value for option '--limit': 'two' is not a whole number (run 'backlog"
            + " claim --help' for usage)",
        notANumber.err().strip());
    InProcess.Run tooLarge = run.run("claim", "--owner", "w", "--limit", "99999999999");
    assertEquals(
        "backlog: Invalid value for option '--limit': '99999999999' is out of range; give a whole"
            + " number from -2147483648 to 2147483647 (run 'backlog claim --help' for usage)",
        tooLarge.err().strip());
    InProcess.Run noEquals = run.run("claim", "--owner", "w", "--attr", "branch");
    assertEquals(2, noEquals.exit());
    assertEquals(
        "backlog: --attr 'branch' is not K=V; give a key, '=' and a value, such as --attr"
            + " branch=feat/x (run 'backlog claim --help' for usage)",
        noEquals.err().strip());
    InProcess.Run notFound = run.run("claim", "--owner", "w", "--id", "NOPE", "--json");
    assertEquals(
        "CARD_NOT_FOUND",
        json.readTree(notFound.err()).get("error").get("code").asText(),
        notFound.err());
    assertEquals(3, notFound.exit());
    InProcess.Run notFoundPlain = run.run("claim", "--owner", "w", "--id", "NOPE");
    assertEquals(
        "backlog: card NOPE does not exist; check the id ('backlog list' shows every card)",
        notFoundPlain.err().strip());
  }
}
