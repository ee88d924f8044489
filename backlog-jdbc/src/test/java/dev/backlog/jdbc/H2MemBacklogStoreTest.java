package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreContract;
import java.time.InstantSource;

/** The example-based store contract against an H2 in-memory database. */
class H2MemBacklogStoreTest extends BacklogStoreContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.h2Mem(clock);
  }
}
