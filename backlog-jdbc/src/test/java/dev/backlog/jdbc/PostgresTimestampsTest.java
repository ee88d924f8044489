package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.jdbc.internal.CardRows;
import dev.backlog.jdbc.internal.PostgresTimestamps;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresTimestamps} against the server: every instant PostgreSQL can hold reads back
 * exactly (microseconds, far past and future, the infinities as the driver's own conversion reads
 * them, nulls), in text and in binary transfer, whatever the JVM's and the session's time zones.
 */
class PostgresTimestampsTest {

  /** Driver settings: the first runs in text then binary; binary from the start; text only. */
  private static final String[] TRANSFERS = {"", "prepareThreshold=-1", "binaryTransfer=false"};

  private static final String[] SESSION_ZONES = {"UTC", "Pacific/Chatham", "America/St_Johns"};

  private static final String[] JVM_ZONES = {"UTC", "Asia/Kathmandu", "America/Los_Angeles"};

  @Test
  void instantsReadBackExactlyInEveryTransferAndTimeZone() throws Exception {
    List<String> literals = new ArrayList<>();
    List<Instant> expected = new ArrayList<>();
    add(literals, expected, "2000-01-01 00:00:00+00", Instant.parse("2000-01-01T00:00:00Z"));
    add(
        literals,
        expected,
        "1999-12-31 23:59:59.999999+00",
        Instant.parse("1999-12-31T23:59:59.999999Z"));
    add(
        literals,
        expected,
        "1970-01-01 00:00:00.000001+00",
        Instant.parse("1970-01-01T00:00:00.000001Z"));
    add(literals, expected, "1969-12-31 23:59:59.5+00", Instant.parse("1969-12-31T23:59:59.500Z"));
    add(
        literals,
        expected,
        "2026-12-06 15:30:00.123456+05:45",
        Instant.parse("2026-12-06T09:45:00.123456Z"));
    add(literals, expected, "1900-03-01 12:00:00+00", Instant.parse("1900-03-01T12:00:00Z"));
    add(literals, expected, "0001-01-01 00:00:00+00", Instant.parse("0001-01-01T00:00:00Z"));
    add(literals, expected, "4714-11-24 00:00:00+00 BC", Instant.parse("-4713-11-24T00:00:00Z"));
    add(
        literals,
        expected,
        "294276-12-31 23:59:59.999999+00",
        Instant.parse("+294276-12-31T23:59:59.999999Z"));
    add(literals, expected, "infinity", OffsetDateTime.MAX.toInstant());
    add(literals, expected, "-infinity", OffsetDateTime.MIN.toInstant());
    Random random = new Random(19);
    for (int i = 0; i < 200; i++) {
      // Between 1900 and 2200, at microsecond precision.
      Instant at =
          Instant.ofEpochSecond(
                  -2_208_988_800L + (long) (random.nextDouble() * 9_467_280_000L),
                  random.nextInt(1_000_000) * 1_000L)
              .truncatedTo(ChronoUnit.MICROS);
      add(literals, expected, at.toString(), at);
    }
    TimeZone jvmZone = TimeZone.getDefault();
    try {
      for (String jvm : JVM_ZONES) {
        TimeZone.setDefault(TimeZone.getTimeZone(jvm));
        for (String transfer : TRANSFERS) {
          String url = TestPostgres.url();
          if (!transfer.isEmpty()) {
            url += (url.contains("?") ? "&" : "?") + transfer;
          }
          try (Connection c = DriverManager.getConnection(url)) {
            for (String zone : SESSION_ZONES) {
              try (Statement s = c.createStatement()) {
                s.execute("SET TIME ZONE '" + zone + "'");
              }
              String where = "JVM " + jvm + ", session " + zone + ", driver '" + transfer + "'";
              // Twice over, so that a statement the driver prepares on the server is read too.
              for (int round = 0; round < 7; round++) {
                check(c, literals, expected, where);
              }
            }
          }
        }
      }
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  @Test
  void theBinaryPathIsTakenOnceTheStatementIsPreparedOnTheServer() throws Exception {
    String url = TestPostgres.url();
    url += (url.contains("?") ? "&" : "?") + "prepareThreshold=-1";
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps =
            c.prepareStatement("SELECT CAST('2026-01-02 03:04:05.678901+00' AS TIMESTAMPTZ)");
        ResultSet rs = ps.executeQuery()) {
      assertTrue(rs.next());
      assertEquals(8, rs.getBytes(1).length, "pgjdbc sends timestamptz in binary here");
      assertEquals(
          Instant.parse("2026-01-02T03:04:05.678901Z"), PostgresTimestamps.INSTANCE.read(rs, 1));
    }
  }

  private static void add(List<String> literals, List<Instant> expected, String lit, Instant at) {
    literals.add(lit);
    expected.add(at);
  }

  private static void check(
      Connection c, List<String> literals, List<Instant> expected, String where) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT CAST(x AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ)"
                + " FROM unnest(CAST(? AS TEXT[])) WITH ORDINALITY AS u (x, ord) ORDER BY ord")) {
      ps.setArray(1, c.createArrayOf("text", literals.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        for (int i = 0; i < literals.size(); i++) {
          assertTrue(rs.next());
          Instant read = PostgresTimestamps.INSTANCE.read(rs, 1);
          assertEquals(expected.get(i), read, literals.get(i) + " (" + where + ")");
          assertNull(PostgresTimestamps.INSTANCE.read(rs, 2), where);
          if (i < 9 || i > 10) {
            // Within the range the driver's calendar reads the same way, the driver agrees.
            Instant driver = CardRows.instant(rs, 1);
            if (!literals.get(i).contains("BC") && !literals.get(i).startsWith("0001")) {
              assertEquals(driver, read, literals.get(i) + " (" + where + ")");
            }
          }
        }
      }
    }
  }
}
