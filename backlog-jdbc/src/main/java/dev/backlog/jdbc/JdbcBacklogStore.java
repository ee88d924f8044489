package dev.backlog.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backlog.core.BacklogException;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.Violation;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import dev.backlog.jdbc.internal.Database;
import dev.backlog.jdbc.internal.Dialect;
import dev.backlog.jdbc.internal.H2Dialect;
import dev.backlog.jdbc.internal.H2FileSharing;
import dev.backlog.jdbc.internal.JdbcEngine;
import dev.backlog.jdbc.internal.Migrator;
import dev.backlog.jdbc.internal.Secrets;
import dev.backlog.jdbc.internal.SqlDialect;
import dev.backlog.jdbc.internal.SqlErrors;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BacklogStore} in a relational database: embedded H2 2.x (the default, in memory or in a
 * file that several processes can share) or PostgreSQL 13 and later. The JDBC URL chooses the
 * dialect. The store pools connections with HikariCP unless the host supplies a {@link DataSource}
 * or a {@link Jdbi}, brings the schema up to date when built, judges lease expiry by the database
 * clock (unless a test injects one), numbers events in commit order, and retries transient
 * failures. The JDBC driver is the host's choice: put {@code com.h2database:h2} or {@code
 * org.postgresql:postgresql} on the class path.
 *
 * <pre>{@code
 * try (JdbcBacklogStore store = JdbcBacklogStore.builder()
 *         .url(JdbcBacklogStore.defaultH2Url(Path.of(System.getProperty("user.home"), ".backlog")))
 *         .build();
 *      Backlog backlog = Backlog.builder().store(store).build()) {
 *   backlog.claimOne("worker-1", Duration.ofMinutes(15));
 * }
 * }</pre>
 *
 * <p>A host that opens that file while {@code backlog} commands run should use {@link
 * Builder#sharedH2File} instead, which takes its turn with them ({@link H2SharedFile}).
 *
 * <p>Thread-safe. Close it to release its connections.
 */
public final class JdbcBacklogStore implements BacklogStore {

  /** The pool size when none is given. */
  public static final int DEFAULT_MAX_POOL_SIZE = 10;

  /** The largest pool size accepted. */
  public static final int MAX_POOL_SIZE = 1_000;

  /**
   * How long opening the database and lost connections are retried before the store reports it
   * unavailable.
   */
  public static final Duration CONNECT_RETRY = Duration.ofSeconds(20);

  /**
   * How long a host's database that refuses connections is retried while the store finds its
   * dialect.
   */
  private static final Duration PG_OPEN_RETRY = Duration.ofSeconds(3);

  /** The H2 lock timeout the store sets on its connections unless the URL sets one. */
  public static final Duration H2_LOCK_TIMEOUT = H2Dialect.LOCK_TIMEOUT;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcBacklogStore.class);

  private final JdbcEngine engine;
  private final String description;
  private final H2FileSharing.Closing closing;

  private JdbcBacklogStore(JdbcEngine engine, String description) {
    this(engine, description, H2FileSharing.Closing.NONE);
  }

  private JdbcBacklogStore(JdbcEngine engine, String description, H2FileSharing.Closing closing) {
    this.engine = engine;
    this.description = description;
    this.closing = closing;
  }

  /** Starts a builder; give either {@link Builder#url} or {@link Builder#dataSource}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The URL of the default database: an H2 file {@code backlog.mv.db} in {@code backlogHome},
   * opened in H2's auto-server mode so that several processes can use it at once (the first one
   * serves it to the others; when it exits, the next one takes over, and the store retries
   * meanwhile).
   *
   * @throws InvalidInputException when the path cannot be written into a JDBC URL
   */
  public static String defaultH2Url(Path backlogHome) {
    Objects.requireNonNull(backlogHome, "backlogHome");
    String dir = backlogHome.toAbsolutePath().normalize().toString().replace('\\', '/');
    if (dir.contains(";")) {
      throw InvalidInputException.of(
          "home",
          "backlog home '"
              + dir
              + "' contains ';', which cannot appear in"
              + " an H2 URL; choose another directory (--home or BACKLOG_HOME)");
    }
    return "jdbc:h2:file:" + dir + "/backlog;AUTO_SERVER=TRUE";
  }

  @Override
  public <T> T inTransaction(StoreWork<T> work) {
    Objects.requireNonNull(work, "work");
    return engine.inTransaction(work);
  }

  /**
   * On PostgreSQL the operation's statement commits on its own, in its own round trip
   * (auto-commit); a claim's events then carry a key by which a lost answer is looked up before the
   * work runs again. On H2 the same as {@link #inTransaction}.
   */
  @Override
  public <T> T inSingleOperation(StoreWork<T> work) {
    Objects.requireNonNull(work, "work");
    return engine.inSingleOperation(work);
  }

  /**
   * One on H2, whose transactions serialize at commit in the one process that holds the database: a
   * second coalesced transaction beside the first only makes both smaller. The backlog's default
   * ({@value dev.backlog.core.Backlog#DEFAULT_COALESCED_IN_FLIGHT}) on PostgreSQL.
   */
  @Override
  public int coalescedInFlight() {
    return engine.dialect().coalescedInFlight();
  }

  /**
   * Waits for a change that may have made work claimable: a NOTIFY on PostgreSQL (at most one per
   * committing transaction), on H2 a moved event counter (polled every 100 ms), and in both cases a
   * commit by this store in this process.
   */
  @Override
  public void awaitChange(Duration timeout) throws InterruptedException {
    engine.awaitChange(Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * Recomputes every card's count of unfinished dependencies from the dependency edges. The
   * counters are kept right by every transaction; this repairs a database edited by hand.
   *
   * @return how many cards had a wrong counter
   */
  public int recount() {
    return engine.recount();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      closing.beforeClose();
    } finally {
      try {
        engine.close();
      } finally {
        closing.afterClose();
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcBacklogStore[" + description + "]";
  }

  /**
   * Builds a {@link JdbcBacklogStore}. Not thread-safe. {@link #toString()} never shows the
   * password.
   */
  public static final class Builder {
    private String url;
    private String username;
    private String password;
    private DataSource dataSource;
    private String dataSourceName;
    private InstantSource clock;
    private Jdbi jdbi;
    private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
    private Duration connectRetry = CONNECT_RETRY;
    private H2SharedFile sharedH2File;

    private Builder() {}

    /**
     * The JDBC URL ({@code jdbc:h2:…} or {@code jdbc:postgresql:…}); the store pools connections to
     * it.
     */
    public Builder url(String jdbcUrl) {
      this.url = jdbcUrl;
      return this;
    }

    /** The database user (for {@link #url}). */
    public Builder username(String value) {
      this.username = value;
      return this;
    }

    /** The database password (for {@link #url}); never logged or shown in errors. */
    public Builder password(String value) {
      this.password = value;
      return this;
    }

    /**
     * A data source the host supplies and closes, instead of a URL; its database decides the
     * dialect.
     */
    public Builder dataSource(DataSource ds) {
      this.dataSource = ds;
      return this;
    }

    /**
     * A data source the host supplies and closes, named in the store's messages and description
     * (instead of "host data source"); the name must not contain secrets.
     */
    public Builder dataSource(DataSource ds, String name) {
      this.dataSource = ds;
      this.dataSourceName = name;
      return this;
    }

    /**
     * A {@link Jdbi} the host already has, instead of a URL or data source: the store opens its
     * handles (one per transaction) from it, and its database decides the dialect. The host owns
     * and closes the data source behind it. The store uses JDBI only for its own statements and
     * does not change the instance's configuration.
     */
    public Builder jdbi(Jdbi host) {
      this.jdbi = host;
      return this;
    }

    /**
     * For tests: judge lease expiry and stamp times by this clock instead of the database clock.
     * Every process sharing a database must then use the same clock.
     */
    public Builder clock(InstantSource value) {
      this.clock = value;
      return this;
    }

    /**
     * The most pooled connections (default {@value #DEFAULT_MAX_POOL_SIZE}); ignored with a data
     * source.
     */
    public Builder maxPoolSize(int n) {
      this.maxPoolSize = n;
      return this;
    }

    /**
     * How long a lost connection is retried before a call fails with {@link
     * StoreUnavailableException} (default {@link #CONNECT_RETRY}); a host that must answer fast
     * when its database is down (a server answering 503) gives a shorter one.
     */
    public Builder connectRetry(Duration value) {
      this.connectRetry = value;
      return this;
    }

    /**
     * An embedded H2 file that other processes use at the same time (the {@code backlog} CLI's
     * default file, say), instead of a {@link #url} or a {@link #dataSource}: the store takes its
     * turn with them as {@link H2SharedFile} describes, in the file's {@link H2SharedFile.Mode
     * mode}. {@link #username}, {@link #password}, {@link #maxPoolSize} and {@link #clock} apply as
     * usual. Needs {@code com.h2database:h2} on the class path.
     */
    public Builder sharedH2File(H2SharedFile file) {
      this.sharedH2File = file;
      return this;
    }

    /**
     * Opens the store: connects, and applies the schema migrations the database lacks.
     *
     * @throws InvalidInputException when the settings are incomplete or contradictory
     * @throws StoreUnavailableException when the database cannot be reached, refuses the
     *     credentials, its driver is missing, its schema is newer than this library, or (with
     *     {@link #sharedH2File}) other processes kept the file longer than the wait
     */
    public JdbcBacklogStore build() {
      if (sharedH2File != null) {
        return buildShared();
      }
      List<Violation> problems = new ArrayList<>();
      Dialect dialect = null;
      int sources = (url != null ? 1 : 0) + (dataSource != null ? 1 : 0) + (jdbi != null ? 1 : 0);
      if (sources == 0) {
        problems.add(
            new Violation(
                "url",
                "no database given; set a JDBC URL such as jdbc:h2:file:/path/backlog"
                    + " or jdbc:postgresql://host/db, a data source, or a Jdbi"));
      } else if (sources > 1) {
        problems.add(
            new Violation(
                "url", "more than one of URL, data source and Jdbi is set; set only one"));
      } else if (url != null) {
        dialect = Dialect.fromUrl(url).orElse(null);
        if (dialect == null) {
          problems.add(
              new Violation(
                  "url",
                  "JDBC URL '"
                      + Secrets.redactUrl(url)
                      + "' names a database this store"
                      + " does not support; use jdbc:h2:… (H2 2.x) or jdbc:postgresql:… (PostgreSQL 13 or later)"));
        }
      }
      if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE) {
        problems.add(
            new Violation(
                "maxPoolSize",
                "maxPoolSize " + maxPoolSize + " is out of range; use 1 to " + MAX_POOL_SIZE));
      }
      if (connectRetry == null || connectRetry.isNegative()) {
        problems.add(
            new Violation(
                "connectRetry",
                "connectRetry " + connectRetry + " must be zero or a positive duration"));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      Secrets secrets = Secrets.of(url, password);
      return url != null
          ? openUrl(dialect, secrets)
          : openHost(
              dataSource != null ? Database.of(dataSource, null) : Database.of(jdbi), secrets);
    }

    /**
     * Opens the shared H2 file: the sharing policy says what to open the store on (a URL, or H2's
     * own pool on the file kept to this process), this builder opens it there, and the store's
     * close adds what the policy needs.
     */
    private JdbcBacklogStore buildShared() {
      List<Violation> problems = new ArrayList<>();
      if (url != null || dataSource != null || jdbi != null) {
        problems.add(
            new Violation(
                "sharedH2File",
                "both a shared H2 file and a "
                    + (url != null ? "URL" : dataSource != null ? "data source" : "Jdbi")
                    + " are set; set only one"));
      }
      if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE) {
        problems.add(
            new Violation(
                "maxPoolSize",
                "maxPoolSize " + maxPoolSize + " is out of range; use 1 to " + MAX_POOL_SIZE));
      }
      if (connectRetry == null || connectRetry.isNegative()) {
        problems.add(
            new Violation(
                "connectRetry",
                "connectRetry " + connectRetry + " must be zero or a positive duration"));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      H2SharedFile shared = sharedH2File;
      H2FileSharing.Opening opening;
      try {
        opening =
            H2FileSharing.begin(
                shared.home().orElse(null),
                shared.url(),
                shared.mode() == H2SharedFile.Mode.BRIEF,
                shared.turnWait(),
                username,
                password,
                maxPoolSize);
      } catch (LinkageError e) {
        throw new StoreUnavailableException(
            "cannot open the shared H2 file "
                + shared
                + ": the H2 JDBC driver"
                + " could not be loaded ("
                + e
                + "); add com.h2database:h2 to the class path",
            null);
      }
      // Opened by this builder's own path on what the policy chose, then restored.
      sharedH2File = null;
      url = opening.url();
      dataSource = opening.dataSource();
      dataSourceName = opening.dataSourceName();
      try {
        JdbcBacklogStore store = build();
        return new JdbcBacklogStore(store.engine, store.description, opening.opened());
      } catch (RuntimeException | Error e) {
        opening.failed();
        throw e;
      } finally {
        sharedH2File = shared;
        url = null;
        dataSource = null;
        dataSourceName = null;
      }
    }

    private JdbcBacklogStore openUrl(Dialect dialect, Secrets secrets) {
      String where = Secrets.redactUrl(url);
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      SqlDialect sql = dialect.sql();
      config.setDriverClassName(sql.driverClass());
      if (username != null) {
        config.setUsername(username);
      }
      if (password != null) {
        config.setPassword(password);
      }
      config.setPoolName("backlog");
      config.setMaximumPoolSize(maxPoolSize);
      config.setMinimumIdle(Math.min(2, maxPoolSize));
      config.setConnectionTimeout(5_000);
      config.setInitializationFailTimeout(-1);
      sql.configurePool(config, url);
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        throw new StoreUnavailableException(
            "cannot open the backlog database "
                + where
                + ": the "
                + dialect.displayName()
                + " JDBC driver could not be loaded ("
                + secrets.scrub(e.getMessage())
                + ");"
                + " add "
                + sql.driverArtifact()
                + " to the class path",
            SqlErrors.sanitized(e, secrets));
      }
      Database database = sql.database(pool, url, username, password);
      try {
        migrate(database, dialect, where, secrets);
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
      JdbcEngine engine =
          opened(new JdbcEngine(database, sql, clock, secrets, where, connectRetry));
      LOG.info("opened the backlog store in {} ({})", where, dialect.displayName());
      return new JdbcBacklogStore(
          engine, "JDBC store (" + dialect.displayName() + ", " + where + ")");
    }

    private JdbcBacklogStore openHost(Database database, Secrets secrets) {
      String name =
          dataSourceName != null ? dataSourceName : jdbi != null ? "host Jdbi" : "host data source";
      String where = dataSourceName != null ? dataSourceName : "(" + name + ")";
      Dialect dialect =
          retrying(
              where,
              secrets,
              PG_OPEN_RETRY,
              () -> {
                try (Database.Link link = database.open()) {
                  String product = link.connection().getMetaData().getDatabaseProductName();
                  return Dialect.fromProductName(product)
                      .orElseThrow(
                          () ->
                              InvalidInputException.of(
                                  jdbi != null ? "jdbi" : "dataSource",
                                  "the "
                                      + name
                                      + " connects to "
                                      + product
                                      + ", which this store"
                                      + " does not support; use H2 2.x or PostgreSQL 13 or later"));
                }
              });
      migrate(database, dialect, where, secrets);
      JdbcEngine engine =
          opened(new JdbcEngine(database, dialect.sql(), clock, secrets, where, connectRetry));
      return new JdbcBacklogStore(
          engine, "JDBC store (" + dialect.displayName() + ", " + name + ")");
    }

    /** The engine once it knows the last event seq; closed (with its pool) when that fails. */
    private static JdbcEngine opened(JdbcEngine engine) {
      try {
        engine.readEventFloor();
        return engine;
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
    }

    private static void migrate(Database database, Dialect dialect, String where, Secrets secrets) {
      Migrator migrator = new Migrator(database, dialect, where);
      retrying(where, secrets, dialect.sql().openRetry(), migrator::migrate);
    }

    private interface SqlCall<T> {
      T call() throws SQLException;
    }

    /**
     * Runs a call, retrying connection failures for {@code connectBudget} and lock failures for
     * {@link #CONNECT_RETRY}.
     */
    private static <T> T retrying(
        String where, Secrets secrets, Duration connectBudget, SqlCall<T> call) {
      long start = System.nanoTime();
      int attempt = 0;
      while (true) {
        attempt++;
        try {
          return call.call();
        } catch (BacklogException e) {
          throw e;
        } catch (SQLException | RuntimeException e) {
          SqlErrors.Kind kind = SqlErrors.classify(e);
          long elapsed = System.nanoTime() - start;
          boolean retry =
              kind == SqlErrors.Kind.CONNECTION
                  ? elapsed < connectBudget.toNanos()
                  : (kind == SqlErrors.Kind.TRANSIENT || kind == SqlErrors.Kind.DUPLICATE)
                      && elapsed < CONNECT_RETRY.toNanos();
          if (!retry) {
            throw SqlErrors.translate(
                e, kind == SqlErrors.Kind.OTHER ? SqlErrors.Kind.CONNECTION : kind, where, secrets);
          }
          long cap = Math.min(1_000, 10L << Math.min(attempt, 8));
          try {
            Thread.sleep(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(
                "interrupted while opening the backlog database " + where, null);
          }
        }
      }
    }

    @Override
    public String toString() {
      return "JdbcBacklogStore.Builder["
          + (url != null
              ? Secrets.redactUrl(url)
              : dataSource != null ? "data source" : "no database")
          + (username != null ? ", user " + username : "")
          + (password != null ? ", password " + Secrets.MASK : "")
          + ", maxPoolSize "
          + maxPoolSize
          + (clock != null ? ", injected clock" : "")
          + (sharedH2File != null ? ", " + sharedH2File : "")
          + "]";
    }
  }
}
