package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worked example of the CLI docs, run against the real jar and the default H2 file. */
class SeedExampleIT {

  @TempDir Path dir;

  @Test
  void aDependentCardBecomesClaimableOnlyAfterItsDependencyIsCompleted() {
    CliProcess cli = new CliProcess(dir);
    JsonNode a1 =
        ok(cli.run("create", "--id", "A1", "--title", "schema", "--priority", "5", "--json"))
            .json();
    assertEquals("A1", a1.get("id").asText());
    assertEquals("ready", a1.get("status").asText());
    assertTrue(a1.get("lease").isNull());

    JsonNode a2 =
        ok(cli.run(
                "--json",
                "create",
                "--id",
                "A2",
                "--title",
                "service",
                "--depends-on",
                "A1",
                "--priority",
                "9",
                "--acceptance",
                "[\"tests pass\",\"docs updated\"]"))
            .json();
    assertEquals("A1", a2.get("dependsOn").get(0).asText());
    assertTrue(a2.get("acceptance").isArray(), "acceptance is the JSON value itself: " + a2);
    assertEquals("tests pass", a2.get("acceptance").get(0).asText());

    JsonNode claimed = ok(cli.run("claim", "--owner", "worker-1", "--ttl", "600", "--json")).json();
    assertEquals("A1", claimed.get("id").asText(), "A2 has the higher priority but waits for A1");
    assertEquals("claimed", claimed.get("status").asText());
    JsonNode lease = claimed.get("lease");
    assertEquals("worker-1", lease.get("owner").asText());
    assertTrue(lease.get("token").isNumber());
    assertTrue(
        lease.get("expiresAt").asText().endsWith("Z"), "timestamps are ISO-8601 UTC: " + lease);

    JsonNode nothing = ok(cli.run("claim", "--owner", "worker-2", "--json")).json();
    assertTrue(nothing.isNull(), "nothing else is claimable while A1 is held");

    JsonNode done =
        ok(cli.run("complete", "A1", "--token", lease.get("token").asText(), "--json")).json();
    assertEquals("done", done.get("status").asText());

    JsonNode ready = ok(cli.run("list", "--ready-only", "--json")).json();
    assertEquals(1, ready.size());
    assertEquals("A2", ready.get(0).get("id").asText());

    JsonNode stats = ok(cli.run("stats", "--json")).json();
    assertEquals(1, stats.get("counts").get("done").asInt());
    assertEquals(1, stats.get("counts").get("ready").asInt());
    assertEquals(2, stats.get("total").asInt());
    assertEquals(1, stats.get("claimable").asInt());

    JsonNode events = ok(cli.run("events", "--card", "A1", "--json")).json();
    assertEquals("created", events.get(0).get("type").asText());
    assertEquals("completed", events.get(events.size() - 1).get("type").asText());
    assertTrue(
        events.get(0).get("data").isObject(), "event data is a JSON value: " + events.get(0));
  }

  private static CliProcess.Result ok(CliProcess.Result result) {
    assertEquals(0, result.exit(), result.toString());
    return result;
  }
}
