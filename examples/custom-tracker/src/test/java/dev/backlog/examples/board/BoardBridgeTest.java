package dev.backlog.examples.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.NewCard;
import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.tracker.TrackerBridge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardBridgeTest {

  @TempDir Path dir;

  @Test
  void theBridgeMirrorsTheBacklogIntoTheBoardAndAReplayLeavesTheSameBytes() throws IOException {
    InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T12:00:00Z"));
    try (Backlog backlog = Backlog.builder().store(new InMemoryBacklogStore(clock)).build()) {
      backlog.create(NewCard.builder("LEX-1").title("Lexer").phase("alpha").build());
      backlog.create(
          NewCard.builder("PARSE-1").title("Parser").phase("alpha").dependsOn("LEX-1").build());
      Claim claim = backlog.claimOne("w1", Duration.ofMinutes(5)).orElseThrow();
      backlog.complete(claim.card().id(), claim.token());

      Path boardFile = dir.resolve("BOARD.md");
      BoardTrackerProvider board = new BoardTrackerProvider(boardFile, clock);
      Path cursor = dir.resolve("cursor.json");
      assertEquals(4, new TrackerBridge(backlog, board, cursor).pump().events());
      String once = Files.readString(boardFile);
      assertTrue(
          once.contains("| LEX-1 | Lexer | complete | - |")
              && once.contains("| PARSE-1 | Parser | planned | LEX-1 |"),
          once);
      assertEquals(3, board.readEvents(CardId.of("LEX-1")).size());

      Files.delete(cursor);
      assertEquals(4, new TrackerBridge(backlog, board, cursor).pump().events());
      assertEquals(once, Files.readString(boardFile));
    }
  }
}
