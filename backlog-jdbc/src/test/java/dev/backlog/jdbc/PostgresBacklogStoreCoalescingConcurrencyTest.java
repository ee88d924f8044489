package dev.backlog.jdbc;

/**
 * The concurrency contract against PostgreSQL, the workers sharing a coalescing backlog that runs
 * up to three coalesced transactions of a kind at once.
 */
class PostgresBacklogStoreCoalescingConcurrencyTest extends PostgresBacklogStoreConcurrencyTest {
  @Override
  protected boolean coalescing() {
    return true;
  }

  @Override
  protected Integer coalescedInFlight() {
    return 3;
  }
}
