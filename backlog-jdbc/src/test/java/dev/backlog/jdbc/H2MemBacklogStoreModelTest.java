package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.InstantSource;

/** The stateful model property against an H2 in-memory database. */
class H2MemBacklogStoreModelTest extends BacklogStoreModelContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return ReusedStore.open("h2mem", clock);
  }
}
