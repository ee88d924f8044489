package dev.backlog.tck;

import dev.backlog.core.Backlog;
import dev.backlog.core.spi.BacklogStore;
import java.time.InstantSource;

/**
 * What every contract of this kit needs from a store implementation: a factory for fresh, empty
 * stores. Extend one of the contracts ({@link BacklogStoreContract}, {@link
 * BacklogStoreModelContract}, {@link BacklogStoreConcurrencyContract}) rather than this class.
 *
 * <p>Instances are created by the test engines, one per test; not meant to be shared between
 * threads by store authors.
 */
public abstract class StoreContractSupport {

  /** Creates the support; subclasses are instantiated by the test engine. */
  protected StoreContractSupport() {}

  /**
   * Creates a new, empty store whose lease expiry and timestamps follow {@code clock}. Called once
   * per test (and once per try of a property); every call must return an independent store with no
   * cards, no events and a fresh token sequence start (tokens only have to increase). The contracts
   * close the store when they are done with it.
   *
   * @param clock the only clock the store may use for {@code now}; tests move it forward
   */
  protected abstract BacklogStore newStore(InstantSource clock);

  /**
   * Whether the store numbers its events 1, 2, 3, … without gaps (the in-memory store does, and so
   * do stores whose seq order is commit order). The design requires less: seqs increase strictly,
   * never repeat, and a reader paging by seq never misses an event, even one that committed after
   * an event with a higher seq. A store whose seqs may have gaps (drawn from a database sequence,
   * so a rolled-back transaction leaves one) overrides this to return false; the contracts then
   * check exactly that.
   */
  protected boolean seqsAreGapFree() {
    return true;
  }

  /** The clock handed to {@link #newStore}; override to start at another instant. */
  protected MutableClock newClock() {
    return new MutableClock();
  }

  /**
   * A backlog over the store with the lapsed-lease sweep disabled, so the tests decide when leases
   * are reclaimed. The backlog does not close the store.
   */
  protected final Backlog backlogOver(
      BacklogStore store, InstantSource clock, int defaultMaxAttempts) {
    return Backlog.builder()
        .store(store)
        .clock(clock)
        .sweepInterval(null)
        .closeStore(false)
        .defaultMaxAttempts(defaultMaxAttempts)
        .build();
  }
}
