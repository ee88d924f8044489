package dev.backlog.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class NamedSqlTest {

  @Test
  void parametersBecomePositionsAndQuotedTextAndCastsStayAsWritten() {
    NamedSql sql =
        NamedSql.compile(
            "SELECT ':no', \"a:b\", x::int FROM t WHERE a = :a AND b = :b_1 OR a = :a");
    assertEquals("SELECT ':no', \"a:b\", x::int FROM t WHERE a = ? AND b = ? OR a = ?", sql.jdbc());
    assertTrue(sql.named().contains(":b_1"));
  }

  @Test
  void aNameIsBoundAtEveryPlaceItAppears() throws Exception {
    NamedSql sql =
        NamedSql.compile(
            "SELECT CAST(:x AS INT) + CAST(:y AS INT) + CAST(:x AS INT), CAST(:s AS VARCHAR)");
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:named");
        PreparedStatement ps = sql.prepare(c)) {
      sql.binder(ps).set("x", 2).set("y", 10).set("s", (String) null);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(14, rs.getInt(1));
        assertEquals(null, rs.getString(2));
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> sql.binder(ps).set("z", 1));
      assertTrue(e.getMessage().contains(":z"), e.getMessage());
    }
  }

  @Test
  void anUnclosedQuoteIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NamedSql.compile("SELECT 'open FROM t WHERE a = :a"));
    assertTrue(e.getMessage().contains("unclosed '"), e.getMessage());
  }
}
