package dev.backlog.jdbc;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.tck.BacklogStoreModelContract;
import java.time.InstantSource;
import net.jqwik.api.PropertyDefaults;
import org.junit.jupiter.api.Tag;

/**
 * The stateful model property against PostgreSQL, with a quarter of jqwik's default tries: every
 * step commits with fsync on, so 1,000 tries would take minutes; the H2 runs use the full default.
 */
@PropertyDefaults(tries = 250)
@Tag("slow")
class PostgresBacklogStoreModelTest extends BacklogStoreModelContract {
  @Override
  protected BacklogStore newStore(InstantSource clock) {
    return ReusedStore.open("postgres", clock);
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
