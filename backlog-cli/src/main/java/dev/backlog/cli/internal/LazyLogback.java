package dev.backlog.cli.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventBuilder;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The logging provider of the {@code backlog} process: loggers that know the CLI's level (WARN, or
 * DEBUG with {@code --verbose}) and start logback, configured by {@link LogSetup}, only when a
 * message at that level is actually logged. A quiet command that logs nothing never pays for
 * logback's start-up. {@link dev.backlog.cli.BacklogCli#main} selects it through slf4j's {@code
 * slf4j.provider} system property; in-process hosts get logback itself as usual.
 *
 * <p>Thread-safe.
 */
public final class LazyLogback implements SLF4JServiceProvider {

  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private final Factory factory = new Factory(this);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();
  private volatile Level threshold = Level.WARN;
  private volatile LoggerContext logback;

  /** Creates the provider; slf4j calls this. */
  public LazyLogback() {}

  /** The provider behind slf4j in this process, if it is this one. */
  static Optional<LazyLogback> current() {
    return LoggerFactory.getILoggerFactory() instanceof Factory f
        ? Optional.of(f.owner())
        : Optional.empty();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    // Nothing to do until a message is logged.
  }

  /** Logs from {@code level} up from now on. */
  void threshold(Level level) {
    threshold = level;
    LoggerContext started = logback;
    if (started != null) {
      started
          .getLogger(Logger.ROOT_LOGGER_NAME)
          .setLevel(ch.qos.logback.classic.Level.convertAnSLF4JLevel(level));
    }
  }

  /** Whether logback has been started (a message passed the level). */
  boolean started() {
    return logback != null;
  }

  private boolean enabled(Level level) {
    return level.toInt() >= threshold.toInt();
  }

  /** The logback context, started and configured on first use. */
  private LoggerContext logback() {
    LoggerContext started = logback;
    if (started == null) {
      synchronized (this) {
        started = logback;
        if (started == null) {
          started = new LoggerContext();
          started.setName("default");
          started.setMDCAdapter(new LogbackMDCAdapter());
          LogSetup setup = new LogSetup();
          setup.setContext(started);
          setup.configure(started);
          started
              .getLogger(Logger.ROOT_LOGGER_NAME)
              .setLevel(ch.qos.logback.classic.Level.convertAnSLF4JLevel(threshold));
          started.start();
          logback = started;
        }
      }
    }
    return started;
  }

  /**
   * The logger factory handed to slf4j; a type of its own so that the CLI can find the provider.
   */
  private record Factory(LazyLogback owner) implements ILoggerFactory {
    @Override
    public Logger getLogger(String name) {
      return owner.loggers.computeIfAbsent(name, n -> new LazyLogger(n, owner));
    }
  }

  /** A logger that checks the CLI's level itself and hands enabled messages to logback. */
  private static final class LazyLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient LazyLogback owner;

    LazyLogger(String name, LazyLogback owner) {
      this.name = name;
      this.owner = owner;
    }

    @Override
    public boolean isTraceEnabled() {
      return owner.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return owner.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return owner.enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return owner.enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return owner.enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String message, Object[] arguments, Throwable throwable) {
      LoggingEventBuilder event = owner.logback().getLogger(name).atLevel(level);
      if (marker != null) {
        event = event.addMarker(marker);
      }
      if (arguments != null) {
        for (Object argument : arguments) {
          event = event.addArgument(argument);
        }
      }
      if (throwable != null) {
        event = event.setCause(throwable);
      }
      event.log(message);
    }
  }
}
