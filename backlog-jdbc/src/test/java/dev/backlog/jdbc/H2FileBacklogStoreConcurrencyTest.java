package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreConcurrencyContract;
import java.time.InstantSource;

/** The concurrency contract against an H2 file database in auto-server mode. */
class H2FileBacklogStoreConcurrencyTest extends BacklogStoreConcurrencyContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.h2File(clock);
  }
}
