package dev.backlog.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.chaos.internal.CliRunner;
import dev.backlog.chaos.internal.OutputLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review of what reads input, through the real CLI jar: hostile JSON Lines given to {@code
 * import} in a process with a 64 MiB heap, and config files with unknown fields or values of the
 * wrong type. Each is refused with exit 2 naming what was wrong, and nothing changes.
 */
class HostileInputTest {

  static final Path JAR =
      Path.of(System.getProperty("backlog.cli.jar", "../backlog-cli/target/backlog.jar"));

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private CliRunner cli;

  @BeforeEach
  void seed() {
    cli =
        new CliRunner(JAR, tmp.resolve("project"), new OutputLog())
            .env("BACKLOG_HOME", tmp.resolve("home").toString())
            .jvm("-Xmx64m");
    CliRunner.Result created = cli.run("create", "--id", "A0", "--title", "Existing", "--json");
    assertEquals(0, created.exit(), created.err());
  }

  private String export() {
    CliRunner.Result r = cli.run("export");
    assertEquals(0, r.exit(), r.err());
    return r.out();
  }

  private void assertImportRefused(Path file, String... expected) throws IOException {
    String before = export();
    CliRunner.Result r = cli.run("import", file.toString(), "--json");
    assertEquals(2, r.exit(), "exit 2 for " + file.getFileName() + ": " + r.err());
    JsonNode error = JSON.readTree(r.err()).get("error");
    assertEquals("IMPORT_INVALID", error.get("code").asText(), r.err());
    for (String part : expected) {
      assertTrue(error.get("message").asText().contains(part), part + " in " + r.err());
    }
    assertEquals("", r.out(), "nothing on stdout");
    assertEquals(before, export(), "the backlog is unchanged");
  }

  @Test
  void importOfA100MbLineIsRefusedWithExit2InA64MbHeapAndChangesNothing() throws IOException {
    Path file = tmp.resolve("big.jsonl");
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'x');
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(
          "{\"id\":\"A1\",\"title\":\"ok\"}\n{\"id\":\"A2\",\"title\":\""
              .getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 100; i++) {
        out.write(chunk);
      }
      out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    assertImportRefused(file, "line 2: the line is 104857", "bytes long");
  }

  @Test
  void importOfDeeplyNestedJsonIsRefusedWithExit2AndChangesNothing() throws IOException {
    Path arrays = tmp.resolve("deep.jsonl");
    Files.writeString(
        arrays,
        "{\"id\":\"A1\",\"title\":\"x\",\"acceptance\":"
            + "[".repeat(100_000)
            + "]".repeat(100_000)
            + "}\n");
    assertImportRefused(arrays, "line 1: not valid JSON", "nesting depth");
    Path objects = tmp.resolve("deep-objects.jsonl");
    Files.writeString(
        objects,
        "{\"id\":\"A1\",\"title\":\"x\",\"acceptance\":"
            + "{\"a\":".repeat(100_000)
            + "1"
            + "}".repeat(100_000)
            + "}\n");
    assertImportRefused(objects, "line 1: not valid JSON", "nesting depth");
  }

  @Test
  void importOfInvalidUtf8IsRefusedWithExit2NamingTheLineAndChangesNothing() throws IOException {
    Path file = tmp.resolve("latin1.jsonl");
    Files.write(
        file,
        "{\"id\":\"A1\",\"title\":\"ok\"}\n{\"id\":\"A2\",\"title\":\"caf\u00e9 \u00ff\"}\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    assertImportRefused(file, "line 2: not valid UTF-8", "save the file as UTF-8");
  }

  @Test
  void configFilesWithUnknownFieldsOrWrongTypesAreRefusedWithExit2NamingTheField()
      throws IOException {
    Path project = cli.workDir().resolve(".backlog/config.json");
    Files.createDirectories(project.getParent());
    String[][] cases = {
      {"{\"dbb\": \"x\"}", "unknown key 'dbb'"},
      {"{\"actor\": 5}", "key 'actor' that is a number"},
      {"{\"dbPassword\": 12345678}", "key 'dbPassword' that is a number"},
      {"{\"tracker\": 5}", "field 'tracker'"},
      {
        "{\"tracker\": {\"provider\": \"local\", \"local\": {\"root\": 5}}}",
        "field 'tracker.local.root'"
      },
      {
        "{\"tracker\": {\"provider\": \"local\", \"local\": {\"rooot\": \"x\"}}}",
        "field 'tracker.local.rooot'"
      },
      {
        "{\"tracker\": {\"provider\": \"github\", \"github\": {\"repo\": \"o/r\", \"projectNumber\": \"x\"}}}",
        "field 'tracker.github.projectNumber'"
      },
      {
        "{\"tracker\": {\"provider\": \"github\", \"github\": {\"repo\": \"o/r\", \"auth\": {\"token\": \"t\"}}}}",
        "field 'tracker.github.auth.token'"
      },
    };
    for (String[] c : cases) {
      Files.writeString(project, c[0]);
      CliRunner.Result r = cli.run("tracker", "status", "--json");
      assertEquals(2, r.exit(), c[0] + " → " + r.err());
      String message = JSON.readTree(r.err()).get("error").get("message").asText();
      assertTrue(message.contains(c[1]), c[1] + " in " + message);
      assertTrue(message.contains(project.toString()), "names the file: " + message);
      assertTrue(!message.contains("12345678"), "a misplaced password is not echoed: " + message);
    }
    Files.delete(project);
    Path home = tmp.resolve("home/config.json");
    Files.writeString(home, "{\"db\": [\"jdbc:h2:mem:x\"]}");
    CliRunner.Result r = cli.run("stats", "--json");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("key 'db' that is an array"), r.err());
    assertTrue(r.err().contains(home.toString()), r.err());
  }
}
