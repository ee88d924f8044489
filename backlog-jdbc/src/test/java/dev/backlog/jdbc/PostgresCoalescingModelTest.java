package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.CoalescingModelContract;
import java.time.InstantSource;
import org.junit.jupiter.api.Tag;

/**
 * The model property with waves of coalesced calls against PostgreSQL, where waves of claims that
 * share a filter take the set-based batched claim. Shorter sequences than the H2 run: every step
 * commits with fsync on.
 */
@Tag("slow")
class PostgresCoalescingModelTest extends CoalescingModelContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return ReusedStore.open("postgres", clock);
  }

  @Override
  protected int maxOperations() {
    return 12;
  }

  /**
   * Seqs come from a database sequence: strictly increasing, with gaps where a transaction rolled
   * back.
   */
  @Override
  protected boolean seqsAreGapFree() {
    return false;
  }
}
