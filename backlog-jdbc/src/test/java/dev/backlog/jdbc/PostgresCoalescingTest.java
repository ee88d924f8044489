package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.CoalescingContract;
import java.time.InstantSource;

/** Coalesced claims and completions against PostgreSQL. */
class PostgresCoalescingTest extends CoalescingContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.postgres(clock);
  }

  /** Seqs come from a database sequence: strictly increasing, with gaps after rollbacks. */
  @Override
  protected boolean seqsAreGapFree() {
    return false;
  }
}
