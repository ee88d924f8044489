package dev.backlog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Separate processes racing for cards on the default H2 file. */
@Tag("slow")
class ConcurrentClaimIT {

  @TempDir Path dir;

  @Test
  void sixteenClaimProcessesOnTenCardsGetTenDistinctCardsAndSixNulls() throws IOException {
    CliProcess cli = new CliProcess(dir);
    Path plan = cli.workDir.resolve("plan.jsonl");
    Files.writeString(
        plan,
        IntStream.rangeClosed(1, 10)
            .mapToObj(
                i -> "{\"id\":\"C" + i + "\",\"title\":\"card " + i + "\",\"priority\":" + i + "}")
            .collect(Collectors.joining("\n")));
    CliProcess.Result imported = cli.run("import", plan.toString(), "--json");
    assertEquals(0, imported.exit(), imported.toString());
    assertEquals(10, imported.json().get("imported").asInt());

    List<CliProcess.Started> racers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      racers.add(cli.start("claim", "--owner", "racer-" + i, "--ttl", "600", "--json"));
    }
    Set<String> claimed = new HashSet<>();
    int nulls = 0;
    for (CliProcess.Started racer : racers) {
      CliProcess.Result result = racer.await();
      assertEquals(0, result.exit(), result.toString());
      JsonNode card = result.json();
      if (card.isNull()) {
        nulls++;
      } else {
        assertTrue(claimed.add(card.get("id").asText()), "card claimed twice: " + card.get("id"));
      }
    }
    assertEquals(10, claimed.size(), "every card claimed once: " + claimed);
    assertEquals(6, nulls);
    JsonNode stats = cli.run("stats", "--json").json();
    assertEquals(10, stats.get("counts").get("claimed").asInt());
  }
}
