package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.spi.EventData;
import dev.backlog.jdbc.internal.PostgresStatements;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The PostgreSQL claim writes the {@code claimed} event's payload in SQL; it must be exactly the
 * text {@link EventData#claimed} writes, for any owner, expiry, lease phase and attributes the
 * database can hold.
 */
class PostgresClaimedPayloadTest {

  private static Connection connection;
  private static PreparedStatement statement;

  @BeforeContainer
  static void connect() throws SQLException {
    connection = DriverManager.getConnection(TestPostgres.url());
    try (Statement s = connection.createStatement()) {
      // A session time zone far from UTC must not show through.
      s.execute("SET TIME ZONE 'Asia/Kathmandu'");
    }
    statement =
        connection.prepareStatement(
            "SELECT "
                + PostgresStatements.claimedDataSql("CAST(t.o AS TEXT)", "t.x", "t.n", "t.p", "t.a")
                + " FROM (SELECT CAST(? AS VARCHAR) AS o, CAST(? AS TIMESTAMPTZ) AS x, CAST(? AS INTEGER) AS n,"
                + " CAST(? AS VARCHAR) AS p, CAST(? AS TEXT) AS a) t");
  }

  @AfterContainer
  static void disconnect() throws SQLException {
    connection.close();
  }

  @Property(tries = 300)
  void theSqlPayloadIsTheTextCoreWrites(
      @ForAll("owners") String owner,
      @ForAll("instants") Instant expires,
      @ForAll("attempts") int attempts,
      @ForAll("leasePhases") Optional<String> leasePhase,
      @ForAll("attributes") Map<String, String> attributes)
      throws SQLException {
    Lease lease =
        new Lease(
            owner,
            LeaseToken.of(1),
            expires.minusSeconds(1),
            expires,
            leasePhase.orElse(null),
            new TreeMap<>(attributes));
    Card card =
        Card.builder()
            .id(CardId.of("c1"))
            .title("t")
            .status(CardStatus.CLAIMED)
            .attempts(attempts)
            .lease(lease)
            .createdAt(expires.minusSeconds(2))
            .updatedAt(expires.minusSeconds(1))
            .version(1)
            .build();
    statement.setString(1, owner);
    statement.setObject(2, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC));
    statement.setInt(3, attempts);
    statement.setString(4, lease.phase());
    statement.setString(5, lease.attributesJson());
    try (ResultSet rs = statement.executeQuery()) {
      assertTrue(rs.next());
      assertEquals(EventData.claimed(card), rs.getString(1));
    }
  }

  /**
   * Quotes, backslashes, every control character but NUL (which PostgreSQL text cannot hold),
   * unicode.
   */
  @Provide
  Arbitrary<String> owners() {
    Arbitrary<Character> special =
        Arbitraries.of(
            '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0001', '\u001f', '\u007f', '\u2028',
            'é', '中', '\'');
    Arbitrary<Character> control = Arbitraries.chars().range('\u0001', '\u001f');
    Arbitrary<Character> any = Arbitraries.chars().range('\u0001', '\ud7ff');
    Arbitrary<String> plain =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, special),
                net.jqwik.api.Tuple.of(2, control),
                net.jqwik.api.Tuple.of(5, any))
            .list()
            .ofMinSize(1)
            .ofMaxSize(24)
            .map(
                cs -> {
                  StringBuilder sb = new StringBuilder();
                  cs.forEach(sb::append);
                  return sb.toString();
                });
    return Arbitraries.oneOf(plain, Arbitraries.of("worker-1", "😀 emoji", "a\"b\\c"));
  }

  /** Whole seconds, milliseconds and microseconds, over four millennia. */
  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds =
        Arbitraries.longs()
            .between(
                Instant.parse("0100-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("4000-12-31T23:59:59Z").getEpochSecond());
    Arbitrary<Long> micros =
        Arbitraries.oneOf(
            Arbitraries.just(0L),
            Arbitraries.longs().between(0, 999).map(m -> m * 1000),
            Arbitraries.longs().between(0, 999_999));
    return seconds.flatMap(
        s -> micros.map(us -> Instant.ofEpochSecond(s).plus(us, ChronoUnit.MICROS)));
  }

  /** No lease phase, or one as varied as the owners (at most 64 characters). */
  @Provide
  Arbitrary<Optional<String>> leasePhases() {
    return owners().filter(p -> !p.isBlank()).optional();
  }

  /** None, or up to 16 attributes with keys and values as varied as the owners. */
  @Provide
  Arbitrary<Map<String, String>> attributes() {
    return Arbitraries.maps(owners(), owners()).ofMaxSize(16);
  }

  @Provide
  Arbitrary<Integer> attempts() {
    return Arbitraries.integers().between(1, Integer.MAX_VALUE);
  }
}
