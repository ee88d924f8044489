package dev.backlog.tck.inmemory;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.CoalescingModelContract;
import java.time.InstantSource;

/** The model property with waves of coalesced calls on the reference in-memory store. */
class InMemoryCoalescingModelTest extends CoalescingModelContract {

  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return new InMemoryBacklogStore(clock);
  }
}
