package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.CoalescingModelContract;
import java.time.InstantSource;

/** The model property with waves of coalesced calls against an H2 in-memory database. */
class H2MemCoalescingModelTest extends CoalescingModelContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return ReusedStore.open("h2mem", clock);
  }
}
