package dev.backlog.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Where a store's connections come from: a data source (the store's pool or the host's) with a
 * {@link Jdbi} over it started on first need, or a host's {@code Jdbi}. Starting JDBI costs a fresh
 * process about as long as a whole short command (see docs/storage.md), so a store that is only
 * asked to claim, create and complete never starts it. Connections come bare from the data source
 * ({@link #open()}) or owned by a JDBI {@link Handle} ({@link #openHandle()}).
 *
 * <p>Thread-safe.
 */
public final class Database implements AutoCloseable {

  private final DataSource dataSource;
  private final HikariDataSource pool;
  private volatile Jdbi jdbi;
  private volatile Opener listen;

  private Database(DataSource dataSource, HikariDataSource pool, Jdbi jdbi) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.jdbi = jdbi;
    this.listen = this::open;
  }

  /** Opens a connection with its owner. */
  @FunctionalInterface
  public interface Opener {
    /** Opens a connection; the caller closes the link. */
    Link open() throws SQLException;
  }

  /**
   * Where a long-lived listening connection comes from (by default the same place as the others):
   * for a URL, straight from the driver, so that it does not hold a pooled connection.
   */
  public Database listenWith(Opener opener) {
    this.listen = Objects.requireNonNull(opener, "opener");
    return this;
  }

  /** Opens a connection for listening; see {@link #listenWith}. */
  Link listenLink() throws SQLException {
    return listen.open();
  }

  /**
   * Connections from {@code dataSource}; {@code pool} is the store's own pool behind it (closed
   * with this object), or null when the host owns the data source.
   */
  public static Database of(DataSource dataSource, HikariDataSource pool) {
    return new Database(Objects.requireNonNull(dataSource, "dataSource"), pool, null);
  }

  /** Handles from a host's {@code Jdbi}; the host owns and closes its data source. */
  public static Database of(Jdbi jdbi) {
    return new Database(null, null, Objects.requireNonNull(jdbi, "jdbi"));
  }

  /** The store's JDBI, started now if it was not. */
  public Jdbi jdbi() {
    Jdbi j = jdbi;
    if (j == null) {
      synchronized (this) {
        j = jdbi;
        if (j == null) {
          j = Jdbi.create(dataSource);
          jdbi = j;
        }
      }
    }
    return j;
  }

  /**
   * Opens a connection with its owner: the bare connection from the data source, or a JDBI handle
   * when the store has only a host's {@code Jdbi}.
   *
   * @throws SQLException when no connection can be had (JDBI's failure carries it as its cause)
   */
  public Link open() throws SQLException {
    if (dataSource == null) {
      return openHandle();
    }
    return new Link(dataSource.getConnection(), null);
  }

  /** Opens a JDBI handle, starting JDBI if it has not started. */
  public Link openHandle() {
    Handle h = jdbi().open();
    return new Link(h.getConnection(), h);
  }

  /** Drops a broken connection from the store's pool, if the store owns one. */
  void evict(Connection connection) {
    if (pool != null) {
      try {
        pool.evictConnection(connection);
      } catch (RuntimeException ignored) {
        // The pool validates connections it hands out; a failed eviction only delays that.
      }
    }
  }

  /** Closes the store's own pool; a host's data source or JDBI is left alone. */
  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  /**
   * An open connection and the JDBI handle that owns it (null on a bare connection). Closing it
   * closes the handle, or the bare connection. Not thread-safe.
   *
   * @param connection the connection
   * @param handle the handle owning it, or null
   */
  public record Link(Connection connection, Handle handle) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      if (handle != null) {
        handle.close();
      } else {
        connection.close();
      }
    }
  }
}
