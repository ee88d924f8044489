package dev.backlog.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * How a dialect reads a {@code TIMESTAMP WITH TIME ZONE} column as an instant ({@link
 * SqlDialect#timestamps()}).
 *
 * <p>Implementations are stateless and thread-safe.
 */
@FunctionalInterface
public interface TimestampReader {

  /** Through the driver's {@code OffsetDateTime} conversion: right on every driver. */
  TimestampReader OFFSET_DATE_TIME = CardRows::instant;

  /** The instant in column {@code column} (from 1) of the current row, or null. */
  Instant read(ResultSet rs, int column) throws SQLException;
}
