package dev.backlog.server;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import dev.backlog.server.internal.ApiServlet;
import dev.backlog.server.internal.BoardAssets;
import dev.backlog.server.internal.EventHub;
import dev.backlog.server.internal.EventStream;
import dev.backlog.server.internal.Guard;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Backlog} over HTTP: the JSON API of the CLI's contract under {@code /api/}, the
 * event stream at {@code /api/events/stream}, the board page at {@code /}, and any servlet the host
 * mounts with {@link Builder#servlet}, all behind the same rules (token, {@code Host} and {@code
 * Origin} checks, body limits). The host owns the backlog: closing the server leaves it open.
 *
 * <pre>{@code
 * try (BacklogServer server = BacklogServer.builder(backlog).port(0).build().start()) {
 *   System.out.println("listening on " + server.url());
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Built once, started once, closed once.
 */
public final class BacklogServer implements AutoCloseable {

  /** The address bound when none is given: loopback only. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** The port used when none is given. */
  public static final int DEFAULT_PORT = 7878;

  /** The body limit of every route but import (1 MiB). */
  public static final long DEFAULT_MAX_BODY = 1L << 20;

  /** The body limit of {@code POST /api/import} (16 MiB). */
  public static final long DEFAULT_MAX_IMPORT_BODY = 16L << 20;

  /** How long a connection may stay idle before the server closes it. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** How long {@link #close} waits for in-flight requests. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How often the event stream looks at the store for events written by other processes while a
   * client follows it. This process's own commits reach the streams at once, from the backlog's
   * listener.
   */
  public static final Duration DEFAULT_EVENT_POLL = Duration.ofMillis(250);

  /** How many event streams may be open at once; the next one is refused with 503. */
  public static final int DEFAULT_MAX_STREAMS = 256;

  /** The most request threads when none is configured (open event streams come on top). */
  public static final int DEFAULT_MAX_THREADS = 200;

  /** How long a gap in the seqs pushed by the listener may stay open before the store is read. */
  static final Duration EVENT_GAP_WAIT = Duration.ofMillis(10);

  /** The shortest token accepted. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private static final Logger LOG = LoggerFactory.getLogger(BacklogServer.class);

  private final Builder config;
  private final InetAddress address;
  private final EventHub hub;
  private final Server server;
  private final ServerConnector connector;
  private volatile boolean started;
  private volatile boolean closed;

  private BacklogServer(Builder config, InetAddress address) {
    this.config = config;
    this.address = address;
    this.hub = new EventHub(config.backlog, config.eventPoll, EVENT_GAP_WAIT, 10_000);
    // Each open event stream holds a thread; they come on top of the request threads.
    QueuedThreadPool pool = new QueuedThreadPool(config.maxThreads + config.maxStreams, 4);
    pool.setName("backlog-http");
    pool.setDaemon(true);
    this.server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(address.getHostAddress());
    connector.setPort(config.port);
    connector.setIdleTimeout(config.idleTimeout.toMillis());
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    Set<String> names = new LinkedHashSet<>();
    names.add(config.bind.toLowerCase(java.util.Locale.ROOT));
    names.add(address.getHostAddress().toLowerCase(java.util.Locale.ROOT));
    names.addAll(config.hostNames);
    Guard guard =
        new Guard(
            names,
            address.isAnyLocalAddress(),
            config.token,
            config.readOnly,
            config.maxBody,
            config.maxImportBody);
    FilterHolder guardHolder = new FilterHolder(guard);
    // Mounted servlets may answer asynchronously (the MCP transport streams with startAsync).
    guardHolder.setAsyncSupported(true);
    context.addFilter(guardHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder(
            "api", new ApiServlet(config.backlog, config.maxBody, config.maxImportBody)),
        "/api/*");
    context.addServlet(
        new ServletHolder("events", new EventStream(hub, config.maxStreams)), "/api/events/stream");
    context.addServlet(new ServletHolder("board", new BoardAssets()), "/");
    config.servlets.forEach(
        (pathSpec, servlet) -> {
          ServletHolder holder = new ServletHolder("host:" + pathSpec, servlet);
          holder.setAsyncSupported(true);
          context.addServlet(holder, pathSpec);
        });
    GracefulHandler graceful = new GracefulHandler();
    graceful.setHandler(context);
    server.setHandler(graceful);
    server.setStopTimeout(config.stopTimeout.toMillis());
    server.setStopAtShutdown(false);
  }

  /** Starts a builder for a server of this backlog. */
  public static Builder builder(Backlog backlog) {
    return new Builder(backlog);
  }

  /**
   * Starts listening.
   *
   * @return this server
   * @throws BacklogException with {@link ServerErrorCode#BIND_FAILED} when the port is taken or the
   *     address cannot be bound
   */
  public synchronized BacklogServer start() {
    if (started) {
      throw new IllegalStateException("the server is already started; build a new one");
    }
    started = true;
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // Nothing more to release.
      }
      throw new BacklogException(
          ServerErrorCode.BIND_FAILED,
          "cannot listen on "
              + hostForUrl()
              + ":"
              + config.port
              + " ("
              + e.getMessage()
              + "); choose another --port, or 0 for any free port",
          e);
    }
    hub.start();
    LOG.info(
        "serving {} on {}{}{}",
        config.backlog,
        url(),
        config.token == null ? "" : " (token required)",
        config.readOnly ? " (read-only)" : "");
    return this;
  }

  /** The base URL, such as {@code http://127.0.0.1:7878}; the actual port once started. */
  public String url() {
    int port = started ? connector.getLocalPort() : config.port;
    return "http://" + hostForUrl() + ":" + port;
  }

  /** The port listened on (the chosen one when started with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Whether writes are refused. A mounted servlet that writes should check this. */
  public boolean readOnly() {
    return config.readOnly;
  }

  private String hostForUrl() {
    String host = address.getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * Stops: ends the event streams, lets in-flight requests finish (up to the stop timeout), then
   * closes the connections. Leaves the backlog open. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    hub.close();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server failed: {}", e.getMessage());
    }
    LOG.info("stopped serving {}", config.backlog);
  }

  @Override
  public String toString() {
    return "BacklogServer[" + config + "]";
  }

  /** Configures a server; validated by {@link #build}. Not thread-safe. */
  public static final class Builder {
    private final Backlog backlog;
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private String token;
    private boolean readOnly;
    private long maxBody = DEFAULT_MAX_BODY;
    private long maxImportBody = DEFAULT_MAX_IMPORT_BODY;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private Duration eventPoll = DEFAULT_EVENT_POLL;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private int maxStreams = DEFAULT_MAX_STREAMS;
    private final Set<String> hostNames = new LinkedHashSet<>();
    private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();

    private Builder(Backlog backlog) {
      this.backlog = Objects.requireNonNull(backlog, "backlog");
    }

    /** The address to listen on (default loopback); a non-loopback one needs a token. */
    public Builder bind(String value) {
      bind = value;
      return this;
    }

    /** The port (default {@value #DEFAULT_PORT}); 0 picks any free port. */
    public Builder port(int value) {
      port = value;
      return this;
    }

    /** The bearer token every request but the board's assets must carry; null for none. */
    public Builder token(String value) {
      token = value;
      return this;
    }

    /** Whether every API write is refused with 403. */
    public Builder readOnly(boolean value) {
      readOnly = value;
      return this;
    }

    /** The body limit of every route but import. */
    public Builder maxBody(long bytes) {
      maxBody = bytes;
      return this;
    }

    /** The body limit of {@code POST /api/import}. */
    public Builder maxImportBody(long bytes) {
      maxImportBody = bytes;
      return this;
    }

    /** How long an idle connection stays open. */
    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    /** How long closing waits for in-flight requests. */
    public Builder stopTimeout(Duration value) {
      stopTimeout = value;
      return this;
    }

    /** How often the event stream looks for new events while a client follows it. */
    public Builder eventPoll(Duration value) {
      eventPoll = value;
      return this;
    }

    /**
     * The most threads serving requests other than event streams (default {@value
     * #DEFAULT_MAX_THREADS}).
     */
    public Builder maxThreads(int value) {
      maxThreads = value;
      return this;
    }

    /**
     * How many event streams may be open at once (default {@value #DEFAULT_MAX_STREAMS}); the next
     * subscriber is refused with 503 {@code TOO_MANY_STREAMS} until one closes. Each open stream
     * holds one thread besides the {@link #maxThreads}.
     */
    public Builder maxStreams(int value) {
      maxStreams = value;
      return this;
    }

    /** Another name clients may use in the {@code Host} header (besides loopback names). */
    public Builder hostName(String name) {
      hostNames.add(Objects.requireNonNull(name, "name").toLowerCase(java.util.Locale.ROOT));
      return this;
    }

    /**
     * Mounts a host's servlet at a servlet path spec such as {@code /mcp} or {@code /mcp/*}, behind
     * the same token, {@code Host}, {@code Origin} and body-size rules as the API. The read-only
     * flag covers the API only: a mounted servlet that writes checks {@link
     * BacklogServer#readOnly()} itself.
     */
    public Builder servlet(String pathSpec, HttpServlet servlet) {
      servlets.put(Objects.requireNonNull(pathSpec, "pathSpec"), Objects.requireNonNull(servlet));
      return this;
    }

    /**
     * Validates the configuration, reporting every problem at once.
     *
     * @throws InvalidInputException naming each bad setting
     */
    public BacklogServer build() {
      List<Violation> problems = new ArrayList<>();
      InetAddress address = null;
      if (bind == null || bind.isBlank()) {
        problems.add(
            new Violation("bind", "bind address is empty; give an address such as 127.0.0.1"));
      } else {
        try {
          address = InetAddress.getByName(bind.trim());
        } catch (UnknownHostException e) {
          problems.add(
              new Violation(
                  "bind",
                  "bind address '" + bind + "' is not known; give an IP address or a host name"));
        }
      }
      if (port < 0 || port > 65535) {
        problems.add(new Violation("port", "port " + port + " is out of range; use 0 to 65535"));
      }
      if (token != null
          && (token.length() < MIN_TOKEN_LENGTH || !token.matches("[\\x21-\\x7e]+"))) {
        problems.add(
            new Violation(
                "token",
                "the token is too weak or malformed: use at least "
                    + MIN_TOKEN_LENGTH
                    + " printable characters without spaces"));
      }
      if (address != null && !address.isLoopbackAddress() && token == null) {
        problems.add(
            new Violation(
                "bind",
                "bind address "
                    + bind
                    + " is not loopback, so the server would be reachable from other machines;"
                    + " configure a token (--token-file) or bind to 127.0.0.1"));
      }
      positive(problems, "maxBody", maxBody);
      positive(problems, "maxImportBody", maxImportBody);
      positive(problems, "maxThreads", maxThreads);
      positive(problems, "maxStreams", maxStreams);
      for (Duration d : List.of(idleTimeout, stopTimeout, eventPoll)) {
        if (d == null || d.isNegative() || d.isZero()) {
          problems.add(new Violation("timeout", "timeouts must be positive durations, not " + d));
        }
      }
      for (String spec : servlets.keySet()) {
        if (!spec.startsWith("/")
            || spec.equals("/")
            || spec.startsWith("/api")
            || spec.startsWith("/assets")) {
          problems.add(
              new Violation(
                  "servlet",
                  "servlet path '"
                      + spec
                      + "' is not allowed; mount under a path of its own such as /mcp (not /, /api or /assets)"));
        }
      }
      if (maxThreads < 8) {
        problems.add(
            new Violation("maxThreads", "maxThreads " + maxThreads + " is too few; use 8 or more"));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      return new BacklogServer(this, address);
    }

    private static void positive(List<Violation> problems, String field, long value) {
      if (value <= 0) {
        problems.add(new Violation(field, field + " " + value + " must be positive"));
      }
    }

    @Override
    public String toString() {
      return "bind="
          + bind
          + ", port="
          + port
          + ", token="
          + (token == null ? "none" : "****")
          + ", readOnly="
          + readOnly
          + ", maxStreams="
          + maxStreams
          + ", servlets="
          + servlets.keySet();
    }
  }
}
