package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.InstantSource;

/** The stateful model property against an H2 file database in auto-server mode. */
class H2FileBacklogStoreModelTest extends BacklogStoreModelContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return ReusedStore.open("h2file", clock);
  }
}
