package dev.backlog.tck.inmemory;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.InstantSource;

/** The reference in-memory store follows the model through random operation sequences. */
class InMemoryBacklogStoreModelTest extends BacklogStoreModelContract {

  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return new InMemoryBacklogStore(clock);
  }
}
