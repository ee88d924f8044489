package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.CoalescingContract;
import java.time.InstantSource;

/** Coalesced claims and completions against an H2 file database in auto-server mode. */
class H2FileCoalescingTest extends CoalescingContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return TestStores.h2File(clock);
  }
}
