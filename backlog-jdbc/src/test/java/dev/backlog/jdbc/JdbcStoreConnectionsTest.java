package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.EventQuery;
import dev.backlog.core.NewCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * How the store reaches its database: files it leaves, a host's Jdbi, JDBI started on first need.
 */
class JdbcStoreConnectionsTest {

  @Test
  void aFreshH2FileDirectoryHoldsNoTraceFileAfterOpeningTheStoreAndCreatingACard()
      throws IOException {
    Path home = TestStores.newDirectory();
    try (JdbcBacklogStore store =
            JdbcBacklogStore.builder().url(JdbcBacklogStore.defaultH2Url(home)).build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      backlog.create(NewCard.builder("A").title("a").build());
    }
    try (Stream<Path> files = Files.list(home)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertTrue(names.contains("backlog.mv.db"), names.toString());
      assertTrue(names.stream().noneMatch(n -> n.endsWith(".trace.db")), names.toString());
    }
  }

  @Test
  void aStoreBuiltOnAHostsJdbiWorksAndLeavesTheHostsDatabaseOpen() {
    String url = "jdbc:h2:mem:host-jdbi;DB_CLOSE_DELAY=-1";
    Jdbi host = Jdbi.create(url);
    try (JdbcBacklogStore store = JdbcBacklogStore.builder().jdbi(host).build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      assertTrue(store.describe().contains("host Jdbi"), store.describe());
      backlog.create(NewCard.builder("A").title("a").build());
      List<Claim> claims =
          backlog.claim(ClaimRequest.builder("w").ttl(Duration.ofMinutes(1)).build());
      assertEquals(1, claims.size());
      backlog.complete(claims.get(0).card().id(), claims.get(0).token());
      assertEquals(3, backlog.events(EventQuery.after(0, 10)).size());
    }
    try (Handle h = host.open()) {
      assertEquals(
          1,
          h.createQuery("SELECT COUNT(*) FROM cards WHERE status = 'done'")
              .mapTo(Integer.class)
              .one());
    }
  }

  @Test
  void aTransactionThatReadsThroughJdbiAfterPlainStatementsRunsOnceMoreOnAHandleAndWritesOnce() {
    try (JdbcBacklogStore store = TestStores.h2Mem(null);
        Backlog backlog = Backlog.builder().store(store).build()) {
      AtomicInteger runs = new AtomicInteger();
      Optional<Card> found =
          backlog.inTransaction(
              tx -> {
                runs.incrementAndGet();
                tx.create(NewCard.builder("A").title("a").build());
                return tx.find(CardId.of("A"));
              });
      assertTrue(found.isPresent());
      assertEquals(
          2, runs.get(), "the first run was on a bare connection; the second ran on a handle");
      assertEquals(1, backlog.events(EventQuery.after(0, 10)).size(), "the card was created once");
      // A transaction whose first statement is a JDBI one moves onto a handle without running
      // again.
      runs.set(0);
      assertTrue(
          backlog
              .inTransaction(
                  tx -> {
                    runs.incrementAndGet();
                    return tx.find(CardId.of("A"));
                  })
              .isPresent());
      assertEquals(1, runs.get());
    }
  }

  /**
   * A transaction that starts on a bare connection and moves onto a JDBI handle gives the bare one
   * back before it takes the handle's, so it never holds two: on a pool of one, every kind of call
   * runs (a transaction holding one connection while it waited for a second would time out here),
   * and so do eight threads at once, as the event streams of a server do on its pool.
   */
  @Test
  void noTransactionHoldsTwoConnectionsSoAPoolOfOneServesEveryCallFromManyThreads()
      throws Exception {
    try (JdbcBacklogStore store =
            JdbcBacklogStore.builder()
                .url("jdbc:h2:mem:pool-of-one" + UUID.randomUUID())
                .maxPoolSize(1)
                .build();
        Backlog backlog = Backlog.builder().store(store).build()) {
      for (int i = 0; i < 40; i++) {
        backlog.create(NewCard.builder("C" + i).title("card " + i).build());
      }
      assertEquals(40, backlog.events(EventQuery.after(0, 100)).size());
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          done.add(
              threads.submit(
                  () -> {
                    int completed = 0;
                    while (true) {
                      backlog.events(EventQuery.after(0, 100));
                      List<Claim> c =
                          backlog.claim(
                              ClaimRequest.builder("w").ttl(Duration.ofMinutes(1)).build());
                      if (c.isEmpty()) {
                        return completed;
                      }
                      backlog.complete(c.get(0).card().id(), c.get(0).token());
                      completed++;
                    }
                  }));
        }
        int completed = 0;
        for (Future<Integer> f : done) {
          completed += f.get(2, TimeUnit.MINUTES);
        }
        assertEquals(40, completed);
      } finally {
        threads.shutdownNow();
      }
    }
  }
}
