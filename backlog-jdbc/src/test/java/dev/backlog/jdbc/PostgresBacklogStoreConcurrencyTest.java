package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreConcurrencyContract;
import java.time.InstantSource;

/** The concurrency contract against PostgreSQL. */
class PostgresBacklogStoreConcurrencyTest extends BacklogStoreConcurrencyContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.postgres(clock);
  }

  /**
   * Seqs come from a database sequence: strictly increasing, with gaps where a transaction rolled
   * back.
   */
  @Override
  protected boolean seqsAreGapFree() {
    return false;
  }
}
