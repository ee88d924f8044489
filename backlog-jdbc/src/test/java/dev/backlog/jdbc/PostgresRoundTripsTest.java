package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.Backlog;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Counts the PostgreSQL protocol's round trips of a single-card claim and completion through a
 * loopback proxy that counts the server's ReadyForQuery messages. A claim or completion on its own
 * is its transaction's only statement and commits with it, in one round trip. The same claim inside
 * a transaction of the caller's takes three: the {@code BEGIN} pgjdbc sends ahead of the statement,
 * the statement, the commit, of which the first two share one wait, since pgjdbc writes the {@code
 * BEGIN} and the statement together; a fourth would mean the driver sent the {@code BEGIN} in a
 * round trip of its own, waiting for it alone, which it does for a statement it has described (as
 * it does when a parameter's type is left open) that returns text.
 */
class PostgresRoundTripsTest {

  @Test
  void aSingleCardClaimAndCompletionTakeOneRoundTripEachAndThreeInsideATransaction()
      throws Exception {
    try (PgProxy proxy = new PgProxy(TestPostgres.freshSchemaUrl());
        Backlog backlog =
            Backlog.builder()
                .store(JdbcBacklogStore.builder().url(proxy.url()).maxPoolSize(1).build())
                .coalescing(false)
                .build()) {
      for (int i = 0; i < 30; i++) {
        backlog.create(NewCard.builder("c" + i).title("card " + i).build());
      }
      ClaimRequest request = ClaimRequest.builder("w").ttl(Duration.ofMinutes(5)).build();
      // Enough runs for the driver to prepare the statements on the server (after five).
      for (int i = 0; i < 10; i++) {
        Claim c = backlog.claim(request).get(0);
        backlog.complete(c.card().id(), c.token());
        Claim d = backlog.inTransaction(tx -> tx.claim(request)).get(0);
        backlog.inTransaction(tx -> tx.complete(d.card().id(), d.token()));
      }
      long before = proxy.readyForQuery();
      Claim c = backlog.claim(request).get(0);
      long afterClaim = proxy.readyForQuery();
      backlog.complete(c.card().id(), c.token());
      long afterComplete = proxy.readyForQuery();
      Claim d = backlog.inTransaction(tx -> tx.claim(request)).get(0);
      long afterTxClaim = proxy.readyForQuery();
      backlog.inTransaction(tx -> tx.complete(d.card().id(), d.token()));
      long afterTxComplete = proxy.readyForQuery();
      assertEquals(1, afterClaim - before, "round trips of a claim");
      assertEquals(1, afterComplete - afterClaim, "round trips of a completion");
      assertEquals(3, afterTxClaim - afterComplete, "round trips of a claim in a transaction");
      assertEquals(
          3, afterTxComplete - afterTxClaim, "round trips of a completion in a transaction");
    }
  }
}
