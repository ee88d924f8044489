package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.BacklogException;
import dev.backlog.core.ErrorCategory;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.internal.H2Dialect;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * JDBC store behaviour on an H2 in-memory database, plus the builder's validation and secret
 * handling.
 */
class H2MemJdbcStoreTest extends JdbcStoreBehaviour {

  @Override
  protected String freshUrl() {
    return "jdbc:h2:mem:b" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @Test
  void aBuilderWithoutADatabaseOrWithAnUnknownUrlIsRefusedWithEveryProblemListed() {
    InvalidInputException none =
        assertThrows(
            InvalidInputException.class, () -> JdbcBacklogStore.builder().maxPoolSize(0).build());
    assertEquals(2, none.violations().size(), none.getMessage());
    InvalidInputException mysql =
        assertThrows(
            InvalidInputException.class,
            () -> JdbcBacklogStore.builder().url("jdbc:mysql://db/x?password=Hidden-7").build());
    assertTrue(mysql.getMessage().contains("jdbc:h2:"), mysql.getMessage());
    assertFalse(mysql.getMessage().contains("Hidden-7"), mysql.getMessage());
  }

  @Test
  void aWrongPasswordIsReportedAsUnavailableWithoutShowingAnyPassword() {
    String url = freshUrl();
    String rightPassword = "Right-Secret-1";
    try (JdbcBacklogStore store =
        JdbcBacklogStore.builder().url(url).username("sa").password(rightPassword).build()) {
      assertTrue(store.describe().contains("H2"));
    }
    String wrong = "Wrong-Secret-2";
    StoreUnavailableException e =
        assertThrows(
            StoreUnavailableException.class,
            () -> JdbcBacklogStore.builder().url(url).username("sa").password(wrong).build());
    assertEquals(ErrorCategory.UNAVAILABLE, e.code().category());
    assertFalse(everything(e).contains(wrong), everything(e));
    assertFalse(everything(e).contains(rightPassword), everything(e));
    String inUrl = "Wrong-Secret-3";
    BacklogException e2 =
        assertThrows(
            BacklogException.class,
            () -> JdbcBacklogStore.builder().url(url + ";USER=sa;PASSWORD=" + inUrl).build());
    assertFalse(everything(e2).contains(inUrl), everything(e2));
  }

  @Test
  void aServerThatRefusesConnectionsIsUnavailableAndThePasswordInTheUrlStaysHidden() {
    String secret = "Url-Secret-4";
    StoreUnavailableException e =
        assertThrows(
            StoreUnavailableException.class,
            () ->
                JdbcBacklogStore.builder()
                    .url("jdbc:postgresql://127.0.0.1:1/backlog?user=u&password=" + secret)
                    .password("Builder-Secret-5")
                    .build());
    assertFalse(everything(e).contains(secret), everything(e));
    assertFalse(everything(e).contains("Builder-Secret-5"), everything(e));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    assertTrue(e.getMessage().contains("refused"), "the driver's reason: " + e.getMessage());
    assertFalse(e.getMessage().contains("Connection is not available"), e.getMessage());
  }

  @Test
  void aHostDataSourceIsUsedAsGivenAndLeftOpenWhenTheStoreCloses() throws Exception {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    String url = freshUrl();
    ds.setURL(url);
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().dataSource(ds).build();
        dev.backlog.core.Backlog backlog =
            dev.backlog.core.Backlog.builder().store(store).build()) {
      assertTrue(store.describe().contains("host data source"), store.describe());
      backlog.create(dev.backlog.core.NewCard.builder("A").title("a").build());
    }
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM cards")) {
      rs.next();
      assertEquals(1, rs.getInt(1));
    }
    try (JdbcBacklogStore named =
        JdbcBacklogStore.builder().dataSource(ds, "the test's H2").build()) {
      assertEquals("JDBC store (H2, the test's H2)", named.describe());
    }
    InvalidInputException both =
        assertThrows(
            InvalidInputException.class,
            () -> JdbcBacklogStore.builder().dataSource(ds).url(url).build());
    assertTrue(both.getMessage().contains("only one"), both.getMessage());
  }

  @Test
  void theDefaultUrlIsAnAutoServerH2FileUnderTheHomeAndRefusesAHomeItCannotExpress() {
    String url = JdbcBacklogStore.defaultH2Url(java.nio.file.Path.of("/tmp/home dir"));
    assertEquals("jdbc:h2:file:/tmp/home dir/backlog;AUTO_SERVER=TRUE", url);
    assertThrows(
        InvalidInputException.class,
        () -> JdbcBacklogStore.defaultH2Url(java.nio.file.Path.of("/tmp/a;b")));
  }

  @Test
  void theBuildersTextMasksThePassword() {
    String text =
        JdbcBacklogStore.builder()
            .url("jdbc:h2:mem:x;PASSWORD=Url-Secret-6")
            .password("Secret-7")
            .toString();
    assertFalse(text.contains("Url-Secret-6"), text);
    assertFalse(text.contains("Secret-7"), text);
  }

  @Test
  void theClaimWindowReadsTheClaimOrderIndexWithoutSorting() {
    String url = freshUrl();
    open(url, null);
    for (boolean byPhase : new boolean[] {false, true}) {
      String sql =
          "EXPLAIN " + H2Dialect.windowSql(byPhase).replace(":w", "32").replace(":phase", "'p'");
      String plan = explain(url, sql);
      String index = byPhase ? "CARDS_CLAIM_ORDER_BY_PHASE" : "CARDS_CLAIM_ORDER";
      assertTrue(plan.contains(index + ":"), plan);
      assertTrue(plan.contains("/* index sorted */"), plan);
    }
  }

  private static String explain(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
