package dev.backlog.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.Completion;
import dev.backlog.jdbc.JdbcBacklogStore;
import dev.backlog.jdbc.TestDataSources;
import dev.backlog.jdbc.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan of the set-based claim of a coalesced batch on PostgreSQL. Planned anew for every batch,
 * the statement spent more time in the planner than in its own work; with its total written as a
 * constant, the server's plan cache settles on one generic plan, and that plan must still find the
 * cards through the indexes on a large backlog (a generic plan cannot see how many cards the batch
 * claims).
 */
class PostgresBatchPlansTest {

  /** Marks the batched claim's text (its unnest of per-request arrays). */
  private static final String CLAIMS = "AS q (owner, ttl_micros";

  /** Marks the batched completion's text (its unnest of per-item arrays). */
  private static final String COMPLETIONS = "AS i (id, token, evidence, data, ord)";

  @Test
  void repeatedBatchesOfOneSizeRunOnCachedGenericPlans() throws SQLException {
    String url = TestPostgres.freshSchemaUrl();
    try (Connection real = DriverManager.getConnection(url);
        JdbcBacklogStore store =
            JdbcBacklogStore.builder().dataSource(TestDataSources.oneConnection(real)).build()) {
      store.inTransaction(
          tx -> {
            for (int i = 0; i < 5_000; i++) {
              tx.create(NewCard.builder(String.format("C%04d", i)).title("t").build(), "setup");
            }
            return null;
          });
      // A generic plan of a bound LIMIT expects a tenth of the claimable cards: on a backlog of a
      // few hundred that is still cheap enough to be chosen, on thousands it never is.
      try (Statement s = real.createStatement()) {
        s.execute("ANALYZE");
      }
      int batches = 20;
      List<Claim> claimed = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        List<ClaimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          requests.add(ClaimRequest.builder("w" + i).build());
        }
        store.inTransaction(tx -> tx.claimEach(requests)).forEach(o -> claimed.addAll(o.value()));
      }
      assertRunsOnAGenericPlan(real, CLAIMS, "the batched claim");
      for (int b = 0; b < batches; b++) {
        List<Completion> done = new ArrayList<>();
        for (Claim c : claimed.subList(b * 4, b * 4 + 4)) {
          done.add(new Completion(c.card().id(), c.token(), null));
        }
        assertEquals(4, store.inTransaction(tx -> tx.completeEach(done, "w")).size());
      }
      assertRunsOnAGenericPlan(real, COMPLETIONS, "the batched completion");
    }
  }

  private static void assertRunsOnAGenericPlan(Connection real, String marker, String what)
      throws SQLException {
    long generic = 0;
    long custom = 0;
    try (Statement s = real.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements")) {
      while (rs.next()) {
        if (rs.getString(3).contains(marker)) {
          generic += rs.getLong(1);
          custom += rs.getLong(2);
        }
      }
    }
    // The driver prepares a statement on the server from its fifth use; the server plans it for
    // its parameters five times before it weighs a generic plan.
    assertTrue(
        custom <= 5 && generic >= 8,
        what + " was planned " + custom + " times and reused " + generic + " times");
  }

  @Test
  void theGenericPlanFindsTheCardsByIndexOnALargeBacklog() throws SQLException {
    String url = TestPostgres.freshSchemaUrl();
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().url(url).maxPoolSize(2).build()) {
      store.describe();
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // Ready cards in an order unrelated to the claim order, as a backlog that lived a while has.
      s.execute(
          "INSERT INTO cards (id, title, status, priority, attempts, max_attempts, created_at,"
              + " updated_at, version, unmet_deps)"
              + " SELECT 'C' || g, 't', 'ready', g % 7, 0, 3,"
              + " TIMESTAMPTZ '2026-01-01' + (g * 7919 % 50000) * INTERVAL '1 second',"
              + " TIMESTAMPTZ '2026-01-01', 1, 0 FROM generate_series(1, 50000) g");
      s.execute("ANALYZE");
      s.execute("SET plan_cache_mode = force_generic_plan");
      for (boolean inline : new boolean[] {true, false}) {
        for (boolean byPhase : new boolean[] {false, true}) {
          String plan =
              explain(s, PostgresClaimEach.statement(inline, byPhase, 4), inline, byPhase);
          assertFalse(
              plan.contains("Seq Scan on cards"),
              "inline " + inline + ", by phase " + byPhase + ":\n" + plan);
          assertTrue(plan.contains("Limit"), plan);
        }
      }
    }
  }

  /** EXPLAIN of the statement prepared with typed parameters, for a generic plan. */
  private static String explain(Statement s, NamedSql sql, boolean inline, boolean byPhase)
      throws SQLException {
    String text = sql.named();
    List<String> names =
        new ArrayList<>(List.of("owners", "ttls", "leasePhases", "attributes", "limits", "now"));
    List<String> types =
        new ArrayList<>(
            List.of("varchar[]", "bigint[]", "varchar[]", "text[]", "int[]", "timestamptz"));
    List<String> values =
        new ArrayList<>(
            List.of(
                "ARRAY['a','b','c','d']",
                "ARRAY[60000000,60000000,60000000,60000000]",
                "CAST(ARRAY[NULL,NULL,NULL,NULL] AS varchar[])",
                "CAST(ARRAY[NULL,NULL,NULL,NULL] AS text[])",
                "ARRAY[1,1,1,1]",
                "NULL"));
    if (inline) {
      names.add("stripe");
      types.add("int");
      values.add("1");
      names.add("txKey");
      types.add("bigint");
      values.add("NULL");
    }
    if (byPhase) {
      names.add("phase");
      types.add("varchar");
      values.add("'build'");
    }
    for (int i = 0; i < names.size(); i++) {
      text = text.replaceAll(":" + names.get(i) + "\\b", "\\$" + (i + 1));
    }
    String name = "p" + (inline ? "i" : "") + (byPhase ? "p" : "");
    s.execute("PREPARE " + name + " (" + String.join(", ", types) + ") AS " + text);
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs =
        s.executeQuery(
            "EXPLAIN (COSTS OFF) EXECUTE " + name + " (" + String.join(", ", values) + ")")) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
