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
}
