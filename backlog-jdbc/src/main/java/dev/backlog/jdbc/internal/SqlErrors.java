package dev.backlog.jdbc.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.CoreErrorCode;
import dev.backlog.core.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sorts database failures into what the store retries and what it reports, and turns them into
 * typed backlog errors whose messages carry no secrets. JDBI's exceptions and {@link SqlFailure} (a
 * plain statement's failure) are classified alike, by the driver's {@link SQLException} in their
 * cause chain.
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlErrors {

  /** How the store reacts to a failure. */
  public enum Kind {
    /** Serialization failure, deadlock, lock timeout: re-run the transaction. */
    TRANSIENT,
    /** A unique key raced with another transaction: re-run, and the work's own checks report it. */
    DUPLICATE,
    /**
     * The database cannot be reached, or the connection broke: retry for a while, then report
     * unavailable.
     */
    CONNECTION,
    /**
     * The database refused the connection for good (wrong password, no such database): report
     * unavailable at once.
     */
    REFUSED,
    /**
     * The database cannot write its storage (a full disk, a read-only or failing file system):
     * nothing of the transaction was committed; report unavailable at once, saying so.
     */
    STORAGE,
    /** Anything else: report at once. */
    OTHER
  }

  /**
   * H2 error codes that mean "try again": deadlock, lock timeout, concurrent update, a row that
   * vanished under a concurrent change.
   */
  private static final Set<Integer> H2_TRANSIENT = Set.of(40001, 50200, 90131, 90143);

  /**
   * H2 error codes that mean the database file or its server is not reachable right now: database
   * already open (file lock held while its auto-server starts or stops), connection broken,
   * database closed or closing, file I/O while the owner switches.
   */
  private static final Set<Integer> H2_CONNECTION =
      Set.of(90020, 90067, 90098, 90121, 90028, 90031, 90135);

  /**
   * H2's general error code. With AUTO_SERVER, the process hosting the database may close it (it is
   * exiting) while another process's transaction is open; the closing database rolls that
   * transaction back and its next statement fails with this code and H2's storage error 103,
   * "Transaction N has status ROLLED_BACK (or CLOSED), not OPEN". Nothing of the transaction was
   * committed, and a new connection reaches the next host, so it is treated like a broken
   * connection.
   */
  private static final int H2_GENERAL_ERROR = 50000;

  private static final Pattern H2_TRANSACTION_CLOSED_UNDER_US =
      Pattern.compile(
          "Transaction \\d+ has status (ROLLED_BACK|CLOSED), not OPEN \\[[^/\\]]+/103]");

  /**
   * The same hand-over seen from H2's client: the exiting host answered that it closed this
   * session, the client dropped its link to the server, and the next statement on the connection
   * fails inside H2's remote session with a {@code NullPointerException} on that link ({@code
   * this.transferList}) instead of H2's "connection broken". Nothing of the transaction was
   * committed; a new connection reaches the next host.
   */
  /**
   * The same hand-over inside the engine: a statement that reaches the closing store gets H2's
   * storage error 4 ({@code ERROR_CLOSED}: "Transaction N is closed", "This store is closed"),
   * which H2 itself reports as "database is closed" (90098) where it converts it, but passes on in
   * its general error on some paths.
   */
  private static final Pattern H2_STORE_CLOSED = Pattern.compile("\\[[0-9.]+/4]");

  private static final Pattern H2_SESSION_CLOSED_BY_HOST =
      Pattern.compile("NullPointerException: .*\"+this\\.transferList\"+ is null");

  /**
   * H2's storage error 2, "Writing to … failed" (the MVStore could not write a chunk: typically no
   * space left on the device), carried in its general error. H2 then closes the database; nothing
   * of the transaction that hit it is committed.
   */
  private static final Pattern H2_WRITE_FAILED =
      Pattern.compile("MVStoreException: Writing to .* failed.*\\[[^/\\]]+/2]");

  private SqlErrors() {}

  /** The first {@link SQLException} in a cause chain. */
  public static Optional<SQLException> sqlCause(Throwable t) {
    for (Throwable at = t; at != null; at = at.getCause()) {
      if (at instanceof SQLException sql) {
        return Optional.of(sql);
      }
      if (at.getCause() == at) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * The {@link SQLException} that says why: the last one in the chain that starts at the first. A
   * connection pool that gives up waiting wraps the driver's reason ("connection refused",
   * "database does not exist", "password authentication failed") in an exception of its own that
   * says only that it waited.
   */
  static Optional<SQLException> reason(Throwable t) {
    Optional<SQLException> first = sqlCause(t);
    if (first.isEmpty()) {
      return first;
    }
    SQLException reason = first.get();
    for (Throwable at = reason.getCause(); at != null && at != at.getCause(); at = at.getCause()) {
      if (at instanceof SQLException sql) {
        reason = sql;
      }
    }
    return Optional.of(reason);
  }

  /** Classifies a failure, looking through wrappers and chained SQL exceptions. */
  public static Kind classify(Throwable t) {
    Optional<SQLException> found = sqlCause(t);
    if (found.isEmpty()) {
      return Kind.OTHER;
    }
    if (refused(t)) {
      return Kind.REFUSED;
    }
    for (SQLException e = found.get(); e != null; e = e.getNextException()) {
      Kind kind = classifyOne(e);
      if (kind != Kind.OTHER) {
        return kind;
      }
      if (e.getNextException() == e) {
        break;
      }
    }
    // A cause nested deeper than the first SQL exception (drivers wrap I/O errors).
    Throwable cause = found.get().getCause();
    if (cause != null && cause != found.get() && sqlCause(cause).isPresent()) {
      return classify(cause);
    }
    return Kind.OTHER;
  }

  /**
   * Wrong credentials or a missing database anywhere in the chain (pools wrap the driver's
   * failure).
   */
  private static boolean refused(Throwable t) {
    int depth = 0;
    for (Throwable at = t; at != null && depth < 20; at = at.getCause(), depth++) {
      if (at instanceof SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")
            || state.equals("3D000")
            || e.getErrorCode() == 28000
            || e.getErrorCode() == 90146
            || e.getErrorCode() == 90046) {
          return true;
        }
      }
    }
    return false;
  }

  private static Kind classifyOne(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    int code = e.getErrorCode();
    if (state.equals("40001")
        || state.equals("40P01")
        || state.equals("55P03")
        || H2_TRANSIENT.contains(code)) {
      return Kind.TRANSIENT;
    }
    if (state.equals("23505") || code == 23505) {
      return Kind.DUPLICATE;
    }
    // PostgreSQL's disk_full (53100) and H2's failed write of its file
    if (state.equals("53100")
        || (code == H2_GENERAL_ERROR
            && e.getMessage() != null
            && H2_WRITE_FAILED.matcher(e.getMessage()).find())) {
      return Kind.STORAGE;
    }
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || state.startsWith("08")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03")
        || H2_CONNECTION.contains(code)
        || (code == H2_GENERAL_ERROR
            && e.getMessage() != null
            && (H2_TRANSACTION_CLOSED_UNDER_US.matcher(e.getMessage()).find()
                || H2_STORE_CLOSED.matcher(e.getMessage()).find()
                || H2_SESSION_CLOSED_BY_HOST.matcher(e.getMessage()).find()))) {
      return Kind.CONNECTION;
    }
    return Kind.OTHER;
  }

  /**
   * A short description of the failure for a message: the scrubbed message, SQL state and code of
   * its {@link #reason}, and the last exception the reason was caused by, if any.
   */
  public static String describe(Throwable t, Secrets secrets) {
    Optional<SQLException> sql = reason(t);
    if (sql.isEmpty()) {
      return t.getClass().getSimpleName() + ": " + secrets.scrub(t.getMessage());
    }
    SQLException e = sql.get();
    Throwable below = e.getCause();
    while (below != null && below.getCause() != null && below.getCause() != below) {
      below = below.getCause();
    }
    // A driver's reason may be general ("The connection attempt failed.") with the particular one
    // below it ("UnknownHostException: db.example"); H2's general error already quotes its cause.
    String detail =
        below == null
                || below.getMessage() == null
                || String.valueOf(e.getMessage()).contains(below.getMessage())
            ? ""
            : " ["
                + below.getClass().getSimpleName()
                + ": "
                + secrets.scrub(below.getMessage())
                + "]";
    return secrets.scrub(e.getMessage())
        + detail
        + " (SQL state "
        + e.getSQLState()
        + ", code "
        + e.getErrorCode()
        + ")";
  }

  /**
   * A copy of the failure's {@link #reason} that is safe to attach as a cause: its message with
   * secrets scrubbed, its SQL state and code, and its stack trace.
   */
  public static Throwable sanitized(Throwable t, Secrets secrets) {
    Optional<SQLException> sql = reason(t);
    SQLException copy;
    if (sql.isPresent()) {
      SQLException e = sql.get();
      copy = new SQLException(secrets.scrub(e.getMessage()), e.getSQLState(), e.getErrorCode());
      copy.setStackTrace(e.getStackTrace());
    } else {
      copy = new SQLException(t.getClass().getName() + ": " + secrets.scrub(t.getMessage()));
      copy.setStackTrace(t.getStackTrace());
    }
    return copy;
  }

  /** The typed error for a failure the store gives up on. */
  public static BacklogException translate(Throwable t, Kind kind, String where, Secrets secrets) {
    String detail = describe(t, secrets);
    Throwable cause = sanitized(t, secrets);
    switch (kind) {
      case CONNECTION:
      case REFUSED:
        return new StoreUnavailableException(
            "cannot use the backlog database "
                + where
                + ": "
                + detail
                + "; check that the database is running and that the URL, user and password are right",
            cause);
      case STORAGE:
        return new StoreUnavailableException(
            "the backlog database "
                + where
                + " cannot write its storage (is the disk full?): "
                + detail
                + "; nothing of this operation was committed; free space and retry",
            cause);
      case TRANSIENT:
        return new StoreUnavailableException(
            "the backlog database "
                + where
                + " stayed too busy to finish the"
                + " transaction after several retries: "
                + detail
                + "; retry later or lower the number of workers",
            cause);
      default:
        return new BacklogException(
            CoreErrorCode.STORE_FAILURE,
            "the backlog database "
                + where
                + " refused an operation: "
                + detail
                + "; this is a defect or a damaged schema, report it with this"
                + " message",
            cause);
    }
  }
}
