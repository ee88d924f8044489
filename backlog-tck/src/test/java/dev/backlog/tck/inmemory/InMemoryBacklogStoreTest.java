package dev.backlog.tck.inmemory;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreContract;
import java.time.InstantSource;

/** The reference in-memory store passes the example-based contract. */
class InMemoryBacklogStoreTest extends BacklogStoreContract {

  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return new InMemoryBacklogStore(clock);
  }
}
