package dev.backlog.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Switches the CLI's logging between quiet (WARN, the default) and verbose (DEBUG). */
final class LogLevels {

  private LogLevels() {}

  /** Logs everything from DEBUG up, to stderr. */
  static void debug() {
    LazyLogback.current()
        .ifPresentOrElse(
            lazy -> lazy.threshold(org.slf4j.event.Level.DEBUG),
            () -> {
              if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                  instanceof Logger root) {
                root.setLevel(Level.DEBUG);
              }
            });
  }
}
