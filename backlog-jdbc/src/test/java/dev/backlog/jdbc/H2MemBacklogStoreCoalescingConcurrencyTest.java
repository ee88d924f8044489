package dev.backlog.jdbc;

/**
 * The concurrency contract against an H2 in-memory database, the workers sharing a coalescing
 * backlog.
 */
class H2MemBacklogStoreCoalescingConcurrencyTest extends H2MemBacklogStoreConcurrencyTest {
  @Override
  protected boolean coalescing() {
    return true;
  }
}
