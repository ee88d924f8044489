package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreConcurrencyContract;
import java.time.InstantSource;

/** The concurrency contract against an H2 in-memory database. */
class H2MemBacklogStoreConcurrencyTest extends BacklogStoreConcurrencyContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.h2Mem(clock);
  }
}
