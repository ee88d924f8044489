package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exit code, and bad input of every kind: each gets the right code and a message naming the
 * bad value, and leaves the store exactly as it was (the export is byte-identical). Every test
 * leaves the backlog as it found it, so they share one backlog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorHandlingIT {

  CliProcess cli;
  long heldToken;
  String exported;

  @BeforeAll
  void seedABacklogWithAClaimedCard(@TempDir Path dir) {
    cli = new CliProcess(dir);
    ok(cli.run("create", "--id", "A", "--title", "first"));
    ok(cli.run("create", "--id", "C", "--title", "waits for A", "--depends-on", "A"));
    ok(
        cli.run(
            "create",
            "--id",
            "B",
            "--title",
            "urgent",
            "--priority",
            "100",
            "--idempotency-key",
            "k-b"));
    JsonNode claimed = ok(cli.run("claim", "--owner", "w1", "--json")).json();
    assertEquals("B", claimed.get("id").asText());
    heldToken = claimed.get("lease").get("token").asLong();
    exported = export();
  }

  @Test
  void anUnknownCommandIsAUsageErrorThatNamesIt() {
    expectRefused(2, "frobnicate", "frobnicate");
  }

  @Test
  void aClaimWithoutOwnerIsAUsageErrorThatNamesTheOption() {
    expectRefused(2, "--owner", "claim", "--ttl", "60");
  }

  @Test
  void aNegativeTtlIsInvalidInputThatNamesTheValue() {
    expectRefused(2, "ttl -5", "claim", "--owner", "w2", "--ttl", "-5");
  }

  @Test
  void aPathLikeCardIdIsRefusedEverywhere() {
    expectRefused(2, "../../etc", "create", "--id", "../../etc", "--title", "escape");
    expectRefused(2, "../../etc", "claim", "--owner", "w2", "--id", "../../etc");
  }

  @Test
  void malformedAcceptanceJsonIsInvalidInputThatQuotesIt() {
    expectRefused(
        2,
        "acceptance is not valid JSON",
        "create",
        "--id",
        "X",
        "--title",
        "t",
        "--acceptance",
        "[\"a\",");
  }

  @Test
  void aLinkClosingACycleIsAConflictThatNamesTheCycle() {
    expectRefused(4, "A -> C -> A", "link", "--from", "A", "--to", "C");
  }

  @Test
  void completingWithAWrongTokenIsAConflictAndTheLeaseStaysHeld() {
    expectRefused(
        4,
        "lease " + (heldToken + 1000),
        "complete",
        "B",
        "--token",
        Long.toString(heldToken + 1000));
    assertTrue(
        exported.contains("\"token\":" + heldToken + ","), "the lease is still held: " + exported);
  }

  @Test
  void anImportFileWithBadLinesNamesEveryBadLineAndImportsNothing() throws IOException {
    Path file = cli.workDir.resolve("plan.jsonl");
    Files.writeString(
        file,
        String.join(
            "\n",
            "{\"id\":\"N1\",\"title\":\"fine\"}",
            "{\"id\":\"N2\",\"title\":\"also fine\",\"dependsOn\":[\"N1\"]}",
            "{\"id\":\"N3\",\"title\":\"broken\"",
            "{\"id\":\"N4\",\"title\":\"\"}",
            "{\"id\":\"../N5\",\"title\":\"bad id\"}",
            "{\"id\":\"N6\",\"title\":\"fine again\",\"dependsOn\":[\"N7\"]}",
            "{\"id\":\"N7\",\"title\":\"forward reference\"}"),
        StandardCharsets.UTF_8);
    CliProcess.Result result = expectRefused(2, "line 3", "import", file.toString());
    assertTrue(result.err().contains("line 4"), result.toString());
    assertTrue(result.err().contains("line 5"), result.toString());
    assertFalse(result.err().contains("line 6"), "a forward reference is fine: " + result);
  }

  @Test
  void anUnknownDependencyIsInvalidInput() {
    expectRefused(2, "NOPE", "create", "--id", "D", "--title", "t", "--depends-on", "NOPE");
  }

  @Test
  void aMissingCardExitsWithThree() {
    expectRefused(3, "NOPE", "block", "NOPE");
  }

  @Test
  void aDuplicateIdOrAReusedIdempotencyKeyIsAConflict() {
    expectRefused(4, "already exists", "create", "--id", "A", "--title", "again");
    expectRefused(
        4, "k-b", "create", "--id", "B", "--title", "different", "--idempotency-key", "k-b");
  }

  @Test
  void anInvalidTransitionIsAConflictThatNamesTheStatus() {
    expectRefused(4, "ready", "unblock", "A");
  }

  @Test
  void anUnreachableStoreExitsWithFiveAndNeverPrintsThePassword() {
    CliProcess.Result result =
        expectRefused(
            5,
            "",
            "--db",
            "jdbc:postgresql://127.0.0.1:9/backlog?user=bob&password=hunter2-secret&connectTimeout=2",
            "list");
    assertFalse(result.err().contains("hunter2-secret"), "the password leaked: " + result);
  }

  @Test
  void aFailedWriteIsUnexpectedAndExitsWithOne() {
    // A directory no file can be created in, even by root: procfs.
    Assumptions.assumeTrue(
        Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc, where no file can be made");
    expectRefused(1, "cannot write /proc/out.jsonl (", "export", "--out", "/proc/out.jsonl");
  }

  @Test
  void aDirectoryThatDoesNotExistIsTheCallersToFix() {
    expectRefused(
        2,
        "does not exist; create it first",
        "export",
        "--out",
        cli.workDir.resolve("no/such/dir/out.jsonl").toString());
  }

  @Test
  void withJsonErrorsAreOneJsonObjectOnStderr() {
    CliProcess.Result result =
        cli.run("--json", "complete", "B", "--token", Long.toString(heldToken + 7));
    assertEquals(4, result.exit(), result.toString());
    assertEquals("", result.out());
    JsonNode error = result.errorJson().get("error");
    assertEquals("LEASE_LOST", error.get("code").asText());
    assertEquals("conflict", error.get("category").asText());
    assertTrue(error.get("message").asText().contains("claim it again"), result.toString());
    CliProcess.Result usage = cli.run("claim", "--json");
    assertEquals(2, usage.exit(), usage.toString());
    assertEquals("USAGE", usage.errorJson().get("error").get("code").asText());
    assertEquals("invalid_input", usage.errorJson().get("error").get("category").asText());
    assertEquals(exported, export());
  }

  @Test
  void aClaimThatFindsNothingExitsWithZeroAndPrintsNull() {
    CliProcess.Result result =
        ok(cli.run("claim", "--owner", "w2", "--phase", "nowhere", "--json"));
    assertTrue(result.json().isNull(), result.toString());
  }

  private CliProcess.Result expectRefused(int exit, String mentioned, String... args) {
    CliProcess.Result result = cli.run(args);
    assertEquals(exit, result.exit(), result.toString());
    assertTrue(
        result.err().contains(mentioned), "stderr should mention '" + mentioned + "': " + result);
    assertEquals("", result.out(), "nothing on stdout for a refused command");
    assertEquals(exported, export(), "a refused command must change nothing");
    return result;
  }

  private String export() {
    CliProcess.Result result = ok(cli.run("export"));
    assertFalse(result.out().isEmpty());
    return result.out();
  }

  private static CliProcess.Result ok(CliProcess.Result result) {
    assertEquals(0, result.exit(), result.toString());
    return result;
  }
}
