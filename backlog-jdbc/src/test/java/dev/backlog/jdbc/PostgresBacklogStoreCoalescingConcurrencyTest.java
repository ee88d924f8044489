package dev.backlog.jdbc;

/** The concurrency contract against PostgreSQL, the workers sharing a coalescing backlog. */
class PostgresBacklogStoreCoalescingConcurrencyTest extends PostgresBacklogStoreConcurrencyTest {
  @Override
  protected boolean coalescing() {
    return true;
  }
}
