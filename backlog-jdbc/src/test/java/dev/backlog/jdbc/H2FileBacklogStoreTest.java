package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreContract;
import java.time.InstantSource;

/** The example-based store contract against an H2 file database in auto-server mode. */
class H2FileBacklogStoreTest extends BacklogStoreContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.h2File(clock);
  }
}
