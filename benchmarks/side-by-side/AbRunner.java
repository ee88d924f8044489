import dev.backlog.core.Backlog;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import dev.backlog.core.CardQuery;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** One build's store and workers; loaded once per build in its own class loader by AbHarness. */
public final class AbRunner implements AutoCloseable {
  private final JdbcBacklogStore store;
  private final Backlog backlog;
  private int next;

  public AbRunner(String url, int pool) {
    store = JdbcBacklogStore.builder().url(url).maxPoolSize(pool).build();
    backlog = Backlog.builder().store(store).build();
  }

  /** Tops the claimable cards up to at least {@code want} (not timed). */
  public void topUp(int want) {
    long have = backlog.stats().claimable();
    while (have < want) {
      int from = next;
      backlog.inTransaction(tx -> {
        for (int k = from; k < from + 500; k++) {
          tx.create(NewCard.builder("c" + k).title("card " + k).priority(k % 5).build());
        }
        return null;
      });
      next += 500;
      have += 500;
    }
  }

  /** Single-card claim+complete pairs done by {@code workers} threads in {@code millis}. */
  public long run(int workers, long millis) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    ClaimRequest request = ClaimRequest.builder("w").ttl(Duration.ofMinutes(5)).build();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          List<Claim> claims = backlog.claim(request);
          if (claims.isEmpty()) {
            throw new IllegalStateException("ran out of cards");
          }
          backlog.complete(claims.get(0).card().id(), claims.get(0).token());
          done.incrementAndGet();
        }
      });
      t.start();
      threads.add(t);
    }
    Thread.sleep(millis);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    return done.get();
  }

  @Override
  public void close() {
    backlog.close();
    store.close();
  }
}
