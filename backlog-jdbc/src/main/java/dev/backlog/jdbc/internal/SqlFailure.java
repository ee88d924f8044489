package dev.backlog.jdbc.internal;

import java.sql.SQLException;

/**
 * A failed plain JDBC call of the store, unchecked so that it can leave the transaction's work; the
 * engine classifies and translates it with {@link SqlErrors} exactly as it does the SQL library's
 * own exceptions (both carry the driver's {@link SQLException} as their cause).
 *
 * <p>Immutable once thrown; thread-safe.
 */
public final class SqlFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Wraps the driver's failure. */
  public SqlFailure(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  /** The driver's failure. */
  public SQLException sqlCause() {
    return (SQLException) getCause();
  }
}
