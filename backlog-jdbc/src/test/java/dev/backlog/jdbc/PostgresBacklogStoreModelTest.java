package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.InstantSource;

/** The stateful model property against PostgreSQL. */
class PostgresBacklogStoreModelTest extends BacklogStoreModelContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return ReusedStore.open("postgres", clock);
  }
}
