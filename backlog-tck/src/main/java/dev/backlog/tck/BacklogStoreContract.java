package dev.backlog.tck;

import dev.backlog.core.Backlog;
import dev.backlog.core.spi.BacklogStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;

/**
 * Example-based contract of a {@link BacklogStore}: the behaviour every store must show, one
 * scenario per test, driven through {@link Backlog} with the lapsed-lease sweep disabled and a
 * {@link MutableClock}. Extend it in a test class and implement {@link #newStore}.
 *
 * <pre>{@code
 * class MyStoreTest extends BacklogStoreContract {
 *   protected BacklogStore newStore(InstantSource clock) { return new MyStore(clock); }
 * }
 * }</pre>
 *
 * <p>The tests are grouped by concern in {@link Nested} classes, so a failing store's report reads
 * by area: {@code Creation}, {@code Idempotency}, {@code Claims}, {@code Dag}, {@code
 * LeasesAndFencing}, {@code StatusTransitions}, {@code Events}, {@code Transactions}, {@code
 * Validation}, {@code Statistics} and {@code Scheduling}. Every test of every group runs on the
 * {@link #clock}, {@link #store} and {@link #backlog} this class opens before it, and asks this
 * class for the store's hooks ({@link #seqsAreGapFree()}).
 *
 * <p>Not thread-safe; the test engine creates one instance per test.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
public abstract class BacklogStoreContract extends StoreContractSupport {

  /** The lease length used when a test does not care. */
  protected static final Duration TTL = Duration.ofSeconds(60);

  /** The clock of the current test. */
  protected MutableClock clock;

  /** The store of the current test. */
  protected BacklogStore store;

  /** The backlog over {@link #store} (sweep disabled, default attempt limit 3). */
  protected Backlog backlog;

  /** Creates the contract; subclasses are instantiated by the test engine. */
  protected BacklogStoreContract() {}

  /** Opens a fresh store for the test. */
  @BeforeEach
  void openStore() {
    clock = newClock();
    store = newStore(clock);
    backlog = backlogOver(store, clock, Backlog.DEFAULT_MAX_ATTEMPTS);
  }

  /** Closes the test's store. */
  @AfterEach
  void closeStore() {
    if (backlog != null) {
      backlog.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------- the groups, in report order

  /** See {@link CreationContract}. */
  @Nested
  @Order(1)
  class Creation extends CreationContract {
    Creation() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link IdempotencyContract}. */
  @Nested
  @Order(2)
  class Idempotency extends IdempotencyContract {
    Idempotency() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link ClaimContract}. */
  @Nested
  @Order(3)
  class Claims extends ClaimContract {
    Claims() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link DagContract}. */
  @Nested
  @Order(4)
  class Dag extends DagContract {
    Dag() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link LeaseContract}. */
  @Nested
  @Order(5)
  class LeasesAndFencing extends LeaseContract {
    LeasesAndFencing() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link TransitionContract}. */
  @Nested
  @Order(6)
  class StatusTransitions extends TransitionContract {
    StatusTransitions() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link EventContract}. */
  @Nested
  @Order(7)
  class Events extends EventContract {
    Events() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link TransactionContract}. */
  @Nested
  @Order(8)
  class Transactions extends TransactionContract {
    Transactions() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link ValidationContract}. */
  @Nested
  @Order(9)
  class Validation extends ValidationContract {
    Validation() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link StatsContract}. */
  @Nested
  @Order(10)
  class Statistics extends StatsContract {
    Statistics() {
      super(BacklogStoreContract.this);
    }
  }

  /** See {@link SchedulingContract}. */
  @Nested
  @Order(11)
  class Scheduling extends SchedulingContract {
    Scheduling() {
      super(BacklogStoreContract.this);
    }
  }
}
