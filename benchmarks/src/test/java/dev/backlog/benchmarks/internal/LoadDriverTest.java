package dev.backlog.benchmarks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadDriverTest {

  @Test
  void aRunWhoseWorkersRanOutOfCardsBeforeItsTimeSaysSo() throws InterruptedException {
    AtomicInteger pool = new AtomicInteger(10);
    LoadDriver.Run run =
        LoadDriver.run(
            2, Duration.ofSeconds(5), i -> latencies -> pool.getAndDecrement() > 0 ? 1 : -1);
    assertEquals(10, run.cards());
    assertTrue(run.emptied());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> run.requireWork("on, round 2"));
    assertTrue(e.getMessage().startsWith("on, round 2: a worker found no card"), e.getMessage());
  }

  @Test
  void aRunWithWorkUntilItsTimeWasUpDidNotRunOut() throws InterruptedException {
    LoadDriver.Run run = LoadDriver.run(2, Duration.ofMillis(50), i -> latencies -> 1);
    assertTrue(run.cards() > 0);
    assertFalse(run.emptied());
    assertEquals(run, run.requireWork("off, round 1"));
  }
}
