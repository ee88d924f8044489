package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreContract;
import java.time.InstantSource;

/** The example-based store contract against PostgreSQL. */
class PostgresBacklogStoreTest extends BacklogStoreContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.postgres(clock);
  }
}
