package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The code-built model of {@code claim} against the annotated one, which stays the source of truth. */
class FastModelTest {

  @TempDir
  Path dir;

  private Cli cli() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Cli(sink, sink, Map.of(), dir, (settings, pool) -> {
      throw new AssertionError("no store is opened by building a model");
    });
  }

  private static CommandSpec claimOf(CommandLine root) {
    return root.getSubcommands().get("claim").getCommandSpec();
  }

  /** Every option but help and version, by name, as the parts that decide how a line parses. */
  private static Map<String, String> options(CommandSpec spec) {
    Map<String, String> out = new TreeMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      out.put(o.longestName(), "names=" + String.join(",", o.names()) + " label=" + o.paramLabel() + " type="
          + o.type().getName() + " arity=" + o.arity() + " required=" + o.required() + " default="
          + o.defaultValue() + " scope=" + o.scopeType() + " inherited=" + o.inherited());
    }
    return out;
  }

  @Test
  void theClaimModelHasTheAnnotatedModelsOptionsAndTheNamesItCovers() {
    CommandLine annotated = Commands.commandLine(new RootCommand(cli()), "claim", "--owner", "w");
    CommandLine fast = FastModel.claim(new RootCommand(cli()));
    assertEquals(options(annotated.getCommandSpec()), options(fast.getCommandSpec()));
    assertEquals(options(claimOf(annotated)), options(claimOf(fast)));
    Set<String> covered = new HashSet<>(FastModel.ROOT_OPTIONS);
    covered.addAll(FastModel.CLAIM_OPTIONS);
    assertEquals(options(claimOf(annotated)).keySet(), covered);
    assertEquals(options(annotated.getCommandSpec()).keySet(), FastModel.ROOT_OPTIONS);
  }

  @Test
  void onlyPlainClaimLinesAreCovered() {
    assertTrue(FastModel.covers("--json", "claim", "--owner", "w"));
    assertTrue(FastModel.covers("--home", "/tmp/h", "claim", "--owner=w", "--ttl", "60", "--limit", "2", "--json"));
    assertFalse(FastModel.covers("list"));
    assertFalse(FastModel.covers("claim", "--help"));
    assertFalse(FastModel.covers("claim", "-h"));
    assertFalse(FastModel.covers("--version", "claim"));
    assertFalse(FastModel.covers("claim", "--owner", "-w"), "a value that looks like an option");
    assertFalse(FastModel.covers("claim", "--owner", "w", "--bogus"));
  }

  @Test
  void aClaimParsesToTheSameValuesAsOnTheAnnotatedModel() {
    String[] line = {"--json", "--actor", "me", "claim", "--owner", "w", "--ttl=60", "--id", "A1", "--phase", "p",
        "--limit", "3", "--wait", "2", "--verbose"};
    RootCommand slowRoot = new RootCommand(cli());
    CommandLine annotated = Commands.commandLine(slowRoot, line);
    annotated.parseArgs(line);
    RootCommand fastRoot = new RootCommand(cli());
    CommandLine fast = FastModel.claim(fastRoot);
    fast.parseArgs(line);
    LeaseCommands.ClaimCards a = (LeaseCommands.ClaimCards) claimOf(annotated).userObject();
    LeaseCommands.ClaimCards f = (LeaseCommands.ClaimCards) claimOf(fast).userObject();
    assertEquals(java.util.List.of(a.owner, a.ttl, String.valueOf(a.id), String.valueOf(a.phase), a.limit, a.waitSeconds),
        java.util.List.of(f.owner, f.ttl, String.valueOf(f.id), String.valueOf(f.phase), f.limit, f.waitSeconds));
    assertEquals(java.util.List.of("w", 60L, "A1", "p", 3, 2L), java.util.List.of(f.owner, f.ttl, f.id, f.phase,
        f.limit, f.waitSeconds));
    assertEquals(java.util.List.of(slowRoot.json, slowRoot.verbose, slowRoot.actor),
        java.util.List.of(fastRoot.json, fastRoot.verbose, fastRoot.actor));
    assertTrue(fastRoot.json && fastRoot.verbose);

    CommandLine defaults = FastModel.claim(new RootCommand(cli()));
    defaults.parseArgs("claim", "--owner", "w");
    LeaseCommands.ClaimCards d = (LeaseCommands.ClaimCards) claimOf(defaults).userObject();
    assertEquals(java.util.List.of(LeaseCommands.DEFAULT_TTL_SECONDS, 1, 0L), java.util.List.of(d.ttl, d.limit,
        d.waitSeconds));
  }

  @Test
  void aClaimLineTheModelRejectsFailsAsOnTheAnnotatedModel() throws IOException {
    InProcess run = new InProcess(dir.resolve("home"), dir);
    ObjectMapper json = new ObjectMapper();
    InProcess.Run bad = run.run("claim", "--owner", "w", "--ttl", "abc", "--json");
    assertEquals(2, bad.exit());
    JsonNode error = json.readTree(bad.err()).get("error");
    assertEquals("USAGE", error.get("code").asText());
    assertEquals("Invalid value for option '--ttl': 'abc' is not a long (run 'backlog claim --help' for usage)",
        error.get("message").asText());
    InProcess.Run missing = run.run("claim");
    assertEquals(2, missing.exit());
    assertEquals("backlog: Missing required option: '--owner=O' (run 'backlog claim --help' for usage)",
        missing.err().strip());
    InProcess.Run ok = run.run("claim", "--owner", "w", "--json");
    assertEquals(0, ok.exit(), ok.err());
    assertEquals("null", ok.out().strip());
  }
}
