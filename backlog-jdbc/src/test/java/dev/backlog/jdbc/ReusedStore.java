package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A real {@link JdbcBacklogStore} kept open across the tries of a property: {@link #close()}
 * empties its tables (cards, edges, events, status counts, the event counter or sequence; the token
 * sequence keeps increasing, which the contracts allow) instead of closing it, and the next {@link
 * #open(String, InstantSource)} of the same kind hands it out again with the new try's clock.
 * Building a store (pool, migration check) costs more than a whole try of the property, so this
 * keeps the property's full number of tries affordable.
 *
 * <p>Tries run one at a time; a second open before the first close is refused.
 */
final class ReusedStore implements BacklogStore {

  private static final Map<String, ReusedStore> BY_KIND = new HashMap<>();

  private final JdbcBacklogStore store;
  private final String url;
  private final SwitchingClock clock;
  private boolean inUse;

  private ReusedStore(String url, SwitchingClock clock) {
    this.url = url;
    this.clock = clock;
    this.store = JdbcBacklogStore.builder().url(url).clock(clock).build();
  }

  /** The store of this kind, emptied, now following {@code clock}. */
  static synchronized ReusedStore open(String kind, InstantSource clock) {
    ReusedStore reused = BY_KIND.get(kind);
    if (reused == null) {
      Function<String, String> urls =
          k ->
              switch (k) {
                case "h2mem" ->
                    "jdbc:h2:mem:reused-" + ProcessHandle.current().pid() + ";DB_CLOSE_DELAY=-1";
                case "h2file" -> JdbcBacklogStore.defaultH2Url(TestStores.newDirectory());
                case "postgres" -> TestPostgres.freshSchemaUrl();
                default -> throw new IllegalArgumentException(k);
              };
      reused = new ReusedStore(urls.apply(kind), new SwitchingClock());
      BY_KIND.put(kind, reused);
    }
    if (reused.inUse) {
      throw new IllegalStateException("the reused " + kind + " store is still open");
    }
    reused.clock.target = clock;
    reused.inUse = true;
    return reused;
  }

  @Override
  public <T> T inTransaction(StoreWork<T> work) {
    return store.inTransaction(work);
  }

  @Override
  public void awaitChange(Duration timeout) throws InterruptedException {
    store.awaitChange(timeout);
  }

  @Override
  public int coalescedInFlight() {
    return store.coalescedInFlight();
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public synchronized void close() {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM events");
      s.execute("DELETE FROM card_deps");
      s.execute("DELETE FROM card_runs");
      s.execute("DELETE FROM cards");
      s.execute("DELETE FROM card_counts");
      if (url.startsWith("jdbc:postgresql:")) {
        s.execute("ALTER SEQUENCE event_seq RESTART");
      } else {
        s.execute("UPDATE event_counter SET last_seq = 0 WHERE id = 1");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot empty the reused store at " + url + ": " + e.getMessage(), e);
    }
    inUse = false;
  }

  /** Follows the clock of the try that holds the store. */
  private static final class SwitchingClock implements InstantSource {
    private volatile InstantSource target = InstantSource.system();

    @Override
    public Instant instant() {
      return target.instant();
    }
  }
}
