package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** The CLI's logging provider starts logback only for a message that passes the level. */
class LazyLogbackTest {

  @Test
  void aQuietRunThatLogsBelowWarnNeverStartsLogback() {
    LazyLogback provider = new LazyLogback();
    provider.initialize();
    Logger log = provider.getLoggerFactory().getLogger("dev.backlog.test.Quiet");
    assertFalse(log.isDebugEnabled());
    assertFalse(log.isInfoEnabled());
    assertTrue(log.isWarnEnabled());
    log.info("opened {}", "the store");
    log.debug("details");
    log.atInfo().log("fluent");
    assertFalse(provider.started(), "nothing passed the WARN level");
  }

  @Test
  void aWarningStartsLogbackAndReachesStderrFormattedWithItsCause() {
    String err =
        capturingStderr(
            () -> {
              LazyLogback provider = new LazyLogback();
              Logger log = provider.getLoggerFactory().getLogger("dev.backlog.test.Loud");
              log.warn("lost {} of {}", 1, 2, new IllegalStateException("the cause"));
              assertTrue(provider.started());
            });
    assertTrue(err.contains("WARN  [main] dev.backlog.test.Loud - lost 1 of 2"), err);
    assertTrue(err.contains("java.lang.IllegalStateException: the cause"), err);
  }

  @Test
  void verboseLowersTheLevelToDebugBeforeAndAfterLogbackStarted() {
    String err =
        capturingStderr(
            () -> {
              LazyLogback provider = new LazyLogback();
              Logger log = provider.getLoggerFactory().getLogger("dev.backlog.test.Verbose");
              log.warn("first");
              provider.threshold(Level.DEBUG);
              assertTrue(log.isDebugEnabled());
              log.debug("now {}", "visible");
              log.trace("still hidden");
            });
    assertTrue(err.contains("DEBUG [main] dev.backlog.test.Verbose - now visible"), err);
    assertFalse(err.contains("still hidden"), err);
  }

  private static String capturingStderr(Runnable body) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
