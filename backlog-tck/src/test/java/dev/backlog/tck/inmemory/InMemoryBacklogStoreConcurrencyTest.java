package dev.backlog.tck.inmemory;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreConcurrencyContract;
import java.time.InstantSource;

/** The reference in-memory store passes the concurrency contract at the default sizes. */
class InMemoryBacklogStoreConcurrencyTest extends BacklogStoreConcurrencyContract {

  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return new InMemoryBacklogStore(clock);
  }
}
