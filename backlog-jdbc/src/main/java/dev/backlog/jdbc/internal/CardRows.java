package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The store's columns and how a row becomes a card or an event; shared by the plain statements and,
 * as {@link RowMapper}s, by the JDBI statements.
 *
 * <p>Stateless and thread-safe.
 */
public final class CardRows {

  /** Card columns in the order {@link #card} reads them. */
  public static final String CARD_COLUMNS =
      "id, title, body, phase, priority, status, acceptance, idempotency_key,"
          + " attempts, max_attempts, lease_owner, lease_token, lease_claimed_at, lease_expires_at, blocked_reason,"
          + " created_at, updated_at, version, not_before, lease_phase, lease_attributes";

  /** How many columns {@link #CARD_COLUMNS} names. */
  public static final int CARD_COLUMN_COUNT = CARD_COLUMNS.split(",").length;

  /** Event columns in the order {@link #event} reads them. */
  public static final String EVENT_COLUMNS = "seq, card_id, type, actor, at, lease_token, data";

  /** Maps a card row (without its dependencies) for JDBI. */
  public static final RowMapper<Card> CARD = (rs, ctx) -> card(rs);

  /** Maps an event row for JDBI. */
  public static final RowMapper<Event> EVENT = (rs, ctx) -> event(rs);

  private CardRows() {}

  /** {@link #CARD_COLUMNS}, each prefixed with {@code alias.}. */
  public static String prefixed(String alias) {
    StringBuilder sb = new StringBuilder();
    for (String col : CARD_COLUMNS.split(",")) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(alias).append('.').append(col.strip());
    }
    return sb.toString();
  }

  /** The card of a row holding {@link #CARD_COLUMNS}, without its dependencies. */
  public static Card card(ResultSet rs) throws SQLException {
    long token = rs.getLong("lease_token");
    Lease lease =
        rs.wasNull()
            ? null
            : new Lease(
                rs.getString("lease_owner"),
                LeaseToken.of(token),
                instant(rs, "lease_claimed_at"),
                instant(rs, "lease_expires_at"),
                rs.getString("lease_phase"),
                Lease.parseAttributes(rs.getString("lease_attributes")));
    int maxAttempts = rs.getInt("max_attempts");
    Integer max = rs.wasNull() ? null : maxAttempts;
    return Card.builder()
        .id(CardId.of(rs.getString("id")))
        .title(rs.getString("title"))
        .body(rs.getString("body"))
        .phase(rs.getString("phase"))
        .priority(rs.getInt("priority"))
        .status(status(rs.getString("status")))
        .acceptance(rs.getString("acceptance"))
        .idempotencyKey(rs.getString("idempotency_key"))
        .attempts(rs.getInt("attempts"))
        .maxAttempts(max)
        .lease(lease)
        .blockedReason(rs.getString("blocked_reason"))
        .createdAt(instant(rs, "created_at"))
        .updatedAt(instant(rs, "updated_at"))
        .version(rs.getLong("version"))
        .notBefore(instant(rs, "not_before"))
        .build();
  }

  /**
   * The card of a row whose first columns are {@link #CARD_COLUMNS} in their order, read by
   * position (no lookups by name), its timestamps through {@code timestamps}; without its
   * dependencies.
   */
  public static Card cardAt(ResultSet rs, TimestampReader timestamps) throws SQLException {
    long token = rs.getLong(12);
    Lease lease =
        rs.wasNull()
            ? null
            : new Lease(
                rs.getString(11),
                LeaseToken.of(token),
                timestamps.read(rs, 13),
                timestamps.read(rs, 14),
                rs.getString(20),
                Lease.parseAttributes(rs.getString(21)));
    int maxAttempts = rs.getInt(10);
    Integer max = rs.wasNull() ? null : maxAttempts;
    return Card.builder()
        .id(CardId.of(rs.getString(1)))
        .title(rs.getString(2))
        .body(rs.getString(3))
        .phase(rs.getString(4))
        .priority(rs.getInt(5))
        .status(status(rs.getString(6)))
        .acceptance(rs.getString(7))
        .idempotencyKey(rs.getString(8))
        .attempts(rs.getInt(9))
        .maxAttempts(max)
        .lease(lease)
        .blockedReason(rs.getString(15))
        .createdAt(timestamps.read(rs, 16))
        .updatedAt(timestamps.read(rs, 17))
        .version(rs.getLong(18))
        .notBefore(timestamps.read(rs, 19))
        .build();
  }

  /** {@link #cardAt} with the dependencies from the array column at position {@code depsColumn}. */
  public static Card cardWithDepsAt(ResultSet rs, TimestampReader timestamps, int depsColumn)
      throws SQLException {
    return withDeps(cardAt(rs, timestamps), rs.getArray(depsColumn));
  }

  /** The card of a row that also has a {@code deps} array column, with its dependencies. */
  public static Card cardWithDeps(ResultSet rs) throws SQLException {
    return withDeps(card(rs), rs.getArray("deps"));
  }

  private static Card withDeps(Card card, Array array) throws SQLException {
    if (array == null) {
      return card;
    }
    try {
      Object[] ids = (Object[]) array.getArray();
      if (ids.length == 0) {
        return card;
      }
      List<CardId> deps = new ArrayList<>(ids.length);
      for (Object id : ids) {
        deps.add(CardId.of((String) id));
      }
      return card.toBuilder().dependsOn(deps).build();
    } finally {
      array.free();
    }
  }

  /** The event of a row holding {@link #EVENT_COLUMNS}. */
  public static Event event(ResultSet rs) throws SQLException {
    long token = rs.getLong("lease_token");
    LeaseToken leaseToken = rs.wasNull() ? null : LeaseToken.of(token);
    return new Event(
        rs.getLong("seq"),
        CardId.of(rs.getString("card_id")),
        EventType.valueOf(rs.getString("type").toUpperCase(Locale.ROOT)),
        rs.getString("actor"),
        instant(rs, "at"),
        leaseToken,
        rs.getString("data"));
  }

  /** A status from its wire name. */
  public static CardStatus status(String wire) {
    return CardStatus.valueOf(wire.toUpperCase(Locale.ROOT));
  }

  /** A timestamp column as an instant, or null. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** A timestamp column as an instant, or null. */
  public static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
