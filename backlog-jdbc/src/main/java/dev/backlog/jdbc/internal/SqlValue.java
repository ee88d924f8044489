package dev.backlog.jdbc.internal;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A statement parameter with its SQL type, converted from the store's types the one way both
 * statement paths share: {@link NamedSql.Binder} binds it on a prepared statement, and a JDBI
 * statement binds it as an {@link Argument}. Instants become UTC {@link OffsetDateTime}s, card ids
 * and lease tokens their wire values, and a null keeps the SQL type of the value it stands for.
 *
 * <p>Immutable and thread-safe (an array value belongs to one connection).
 *
 * @param value the JDBC value (String, Integer, Long, OffsetDateTime or java.sql.Array), or null
 * @param sqlType the {@link Types} constant, used for nulls and conversions
 */
public record SqlValue(Object value, int sqlType) implements Argument {

  /** A text value. */
  public static SqlValue of(String value) {
    return new SqlValue(value, Types.VARCHAR);
  }

  /** A card id as its text. */
  public static SqlValue of(CardId id) {
    return new SqlValue(id == null ? null : id.value(), Types.VARCHAR);
  }

  /** A 32-bit integer. */
  public static SqlValue of(Integer value) {
    return new SqlValue(value, Types.INTEGER);
  }

  /** A 64-bit integer. */
  public static SqlValue of(Long value) {
    return new SqlValue(value, Types.BIGINT);
  }

  /** A lease token as its number. */
  public static SqlValue of(LeaseToken token) {
    return new SqlValue(token == null ? null : token.value(), Types.BIGINT);
  }

  /** An instant as a timestamp with time zone, in UTC. */
  public static SqlValue of(Instant instant) {
    return new SqlValue(instant == null ? null : odt(instant), Types.TIMESTAMP_WITH_TIMEZONE);
  }

  /**
   * An SQL array of {@code elementType} ("varchar", "int8", "text") made on {@code connection}.
   *
   * @throws SQLException when the driver cannot make the array
   */
  public static SqlValue array(Connection connection, String elementType, Object[] elements)
      throws SQLException {
    Array array = connection.createArrayOf(elementType, elements);
    return new SqlValue(array, Types.ARRAY);
  }

  /** The instant as a UTC offset date-time, the form both drivers read and write losslessly. */
  public static OffsetDateTime odt(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /**
   * Binds this value at {@code position} (1-based). A null timestamp names its type: pgjdbc binds a
   * bare {@code setNull(…, TIMESTAMP_WITH_TIMEZONE)} with no type (timestamp or timestamptz being
   * left open), and a server-prepared statement with such a parameter is described first, after
   * which the driver sends the transaction's {@code BEGIN} in a round trip of its own whenever the
   * statement returns text columns. Drivers that take no type name (H2) use the SQL type.
   */
  public void bind(PreparedStatement statement, int position) throws SQLException {
    if (value == null) {
      if (sqlType == Types.TIMESTAMP_WITH_TIMEZONE) {
        statement.setNull(position, sqlType, "timestamptz");
      } else {
        statement.setNull(position, sqlType);
      }
    } else {
      statement.setObject(position, value, sqlType);
    }
  }

  @Override
  public void apply(int position, PreparedStatement statement, StatementContext ctx)
      throws SQLException {
    bind(statement, position);
  }
}
