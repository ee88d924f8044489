package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A coalesced batch whose PostgreSQL connection is killed after its work ran and before it
 * committed: the store's own retry runs the whole batch again on a new connection, and every caller
 * in the batch gets its result; nothing is done twice and nobody is left waiting.
 */
class PostgresCoalescedConnectionLossTest {

  /** The real store; holds the next transaction at a gate, or kills the next one's connection. */
  private static final class KillingStore implements BacklogStore {
    private final BacklogStore store;
    private final AtomicBoolean hold = new AtomicBoolean();
    private final AtomicBoolean kill = new AtomicBoolean();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger batchRuns = new AtomicInteger();
    private final AtomicInteger killed = new AtomicInteger();

    KillingStore(BacklogStore store) {
      this.store = store;
    }

    @Override
    public <T> T inTransaction(StoreWork<T> work) {
      if (hold.compareAndSet(true, false)) {
        entered.countDown();
        try {
          if (!gate.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return store.inTransaction(work);
      }
      if (kill.compareAndSet(true, false)) {
        return store.inTransaction(
            tx -> {
              T value = work.run(tx);
              if (batchRuns.incrementAndGet() == 1) {
                // The batch's connection is the one idle in a transaction now: kill it before the
                // commit.
                killed.addAndGet(
                    terminated(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE pid <> pg_backend_pid() AND state = 'idle in transaction'"));
              }
              return value;
            });
      }
      return store.inTransaction(work);
    }

    private static int terminated(String sql) {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestPostgres.url());
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getInt(1);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void awaitChange(Duration timeout) throws InterruptedException {
      store.awaitChange(timeout);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  @Test
  void aCoalescedBatchWhoseConnectionIsKilledBeforeCommitIsRetriedAndEveryCallerGetsItsResult()
      throws Exception {
    KillingStore store = new KillingStore(TestStores.postgres(InstantSource.system()));
    ExecutorService pool = Executors.newCachedThreadPool();
    // One transaction in flight: the eight completions queue behind the held one.
    try (Backlog backlog =
        Backlog.builder().store(store).sweepInterval(null).coalescedInFlight(1).build()) {
      List<Claim> claims = new ArrayList<>();
      backlog.inTransaction(
          tx -> {
            for (int i = 0; i < 9; i++) {
              tx.create(NewCard.builder("k" + i).title("k" + i).build());
            }
            return null;
          });
      for (int i = 0; i < 9; i++) {
        claims.add(
            backlog.claim(ClaimRequest.builder("w" + i).card(CardId.of("k" + i)).build()).get(0));
      }
      store.hold.set(true);
      Claim lead = claims.get(0);
      Future<Card> first = pool.submit(() -> backlog.complete(lead.card().id(), lead.token()));
      assertTrue(
          store.entered.await(60, TimeUnit.SECONDS), "the first completion reached the gate");
      List<Future<Card>> eight = new ArrayList<>();
      for (Claim c : claims.subList(1, 9)) {
        eight.add(pool.submit(() -> backlog.complete(c.card().id(), c.token())));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (backlog.coalescingStats().completions().waiting() < 8) {
        assertTrue(System.nanoTime() < deadline, "the eight completions did not queue");
        Thread.sleep(2);
      }
      store.kill.set(true);
      store.gate.countDown();

      assertEquals(CardStatus.DONE, first.get(60, TimeUnit.SECONDS).status());
      for (Future<Card> f : eight) {
        assertEquals(CardStatus.DONE, f.get(60, TimeUnit.SECONDS).status(), "every caller");
      }
      assertEquals(1, store.killed.get(), "the batch's connection was killed once");
      assertEquals(2, store.batchRuns.get(), "the store ran the batch again after the kill");
      assertEquals(8, backlog.coalescingStats().completions().largest());
      assertEquals(
          9,
          backlog.events(EventQuery.after(0, 1_000)).stream()
              .filter(e -> e.type() == EventType.COMPLETED)
              .count(),
          "one completion per card, none twice");
    } finally {
      pool.shutdownNow();
    }
  }
}
