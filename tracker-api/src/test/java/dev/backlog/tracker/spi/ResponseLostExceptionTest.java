package dev.backlog.tracker.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.backlog.core.BacklogException;
import dev.backlog.core.CardId;
import dev.backlog.core.ErrorCategory;
import dev.backlog.tracker.TrackerErrorCode;
import dev.backlog.tracker.TrackerException;
import dev.backlog.tracker.TrackerStateException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseLostExceptionTest {

  @TempDir Path dir;
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z"));

  @Test
  void aLostResponseIsATrackerExceptionThatKeepsItsMessageAndCause() {
    IOException cause = new IOException("connection reset");
    ResponseLostException e =
        new ResponseLostException("POST /issues may have reached GitHub", cause);
    assertInstanceOf(TrackerException.class, e);
    assertInstanceOf(BacklogException.class, e);
    assertEquals(TrackerErrorCode.RESPONSE_LOST, e.code());
    assertEquals(ErrorCategory.UNAVAILABLE, e.code().category());
    assertEquals("POST /issues may have reached GitHub", e.getMessage());
    assertSame(cause, e.getCause());
  }

  @Test
  void theOpLogTellsALostResponseFromAnotherTrackerFailure() {
    CardId lost = CardId.of("L1");
    CardId failed = CardId.of("F1");
    OpExecutor remote =
        new OpExecutor() {
          @Override
          public Outcome apply(Op op) {
            if (op.feature().equals(lost)) {
              throw new ResponseLostException("no answer to " + op.payload(), null);
            }
            throw new TrackerStateException(dir, "the remote refused " + op.payload());
          }

          @Override
          public Resolution resolve(Op op) {
            return Resolution.NOT_APPLIED;
          }
        };
    try (OpLog log = OpLog.open(dir.resolve("oplog.jsonl"), clock, 5)) {
      Op lostOp = log.enqueue(lost, "create", "l");
      Op failedOp = log.enqueue(failed, "create", "f");
      log.drain(remote);
      assertEquals(
          OpState.UNCERTAIN,
          log.find(lostOp.id()).orElseThrow().state(),
          "looked up before a retry");
      assertEquals(
          OpState.PENDING,
          log.find(failedOp.id()).orElseThrow().state(),
          "certainly changed nothing");
    }
  }
}
