package dev.backlog.jdbc.internal;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.postgresql.PGResultSetMetaData;

/**
 * Reads PostgreSQL timestamps without the driver's calendar work. A column the server sent in
 * binary (pgjdbc's choice for {@code timestamptz} once a statement is prepared on the server) holds
 * microseconds since 2000-01-01 00:00:00 UTC as a big-endian 64-bit integer, which becomes an
 * instant directly: no time zone, no {@code GregorianCalendar}, and no {@code TimestampUtils} built
 * for each result set, which is what pgjdbc's {@code getObject(…, OffsetDateTime.class)} costs.
 * Text columns (a statement's first runs, or binary transfer turned off) and other drivers go
 * through {@link TimestampReader#OFFSET_DATE_TIME}; the infinities read as that path reads them
 * ({@link OffsetDateTime#MAX} and {@link OffsetDateTime#MIN}).
 *
 * <p>Stateless and thread-safe.
 */
public final class PostgresTimestamps implements TimestampReader {

  /** The one instance. */
  public static final PostgresTimestamps INSTANCE = new PostgresTimestamps();

  /** 2000-01-01T00:00:00Z in seconds since the Unix epoch: PostgreSQL's own epoch. */
  private static final long PG_EPOCH_SECONDS = 946_684_800L;

  private static final int BINARY = 1;

  private PostgresTimestamps() {}

  @Override
  public Instant read(ResultSet rs, int column) throws SQLException {
    if (binary(rs.getMetaData(), column)) {
      byte[] raw = rs.getBytes(column);
      if (raw == null) {
        return null;
      }
      if (raw.length == Long.BYTES) {
        return instant(bigEndian(raw));
      }
    }
    return CardRows.instant(rs, column);
  }

  /**
   * The instant of PostgreSQL's binary {@code timestamptz}: microseconds since 2000-01-01 UTC, the
   * largest and smallest values standing for the infinities.
   */
  static Instant instant(long pgMicros) {
    if (pgMicros == Long.MAX_VALUE) {
      return OffsetDateTime.MAX.toInstant();
    }
    if (pgMicros == Long.MIN_VALUE) {
      return OffsetDateTime.MIN.toInstant();
    }
    return Instant.ofEpochSecond(
        PG_EPOCH_SECONDS + Math.floorDiv(pgMicros, 1_000_000L),
        Math.floorMod(pgMicros, 1_000_000L) * 1_000L);
  }

  private static boolean binary(ResultSetMetaData md, int column) throws SQLException {
    return md.isWrapperFor(PGResultSetMetaData.class)
        && md.unwrap(PGResultSetMetaData.class).getFormat(column) == BINARY;
  }

  private static long bigEndian(byte[] b) {
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      v = (v << 8) | (b[i] & 0xffL);
    }
    return v;
  }
}
