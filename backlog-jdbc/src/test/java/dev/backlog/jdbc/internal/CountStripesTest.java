package dev.backlog.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CountStripesTest {

  @Test
  void liveConnectionsGetDistinctStripesAndKeepThem() throws Exception {
    CountStripes stripes = new CountStripes(8);
    List<Connection> open = new ArrayList<>();
    try {
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 8; i++) {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:stripes" + i);
        open.add(c);
        int s = stripes.of(c);
        assertTrue(s >= 0 && s < 8, "stripe " + s + " out of range");
        assertTrue(seen.add(s), "stripe " + s + " given twice: " + seen);
      }
      for (int i = 0; i < 8; i++) {
        assertEquals(stripes.of(open.get(i)), stripes.of(open.get(i)));
      }
      // More live connections than stripes: still a stripe in range.
      Connection extra = DriverManager.getConnection("jdbc:h2:mem:stripes_extra");
      open.add(extra);
      int s = stripes.of(extra);
      assertTrue(s >= 0 && s < 8, "stripe " + s + " out of range");
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }
}
