package dev.backlog.tck.inmemory;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.CoalescingContract;
import java.time.InstantSource;

/** Coalesced claims and completions on the reference in-memory store. */
class InMemoryCoalescingTest extends CoalescingContract {

  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return new InMemoryBacklogStore(clock);
  }
}
