package dev.backlog.jdbc;

/**
 * The concurrency contract against an H2 file database in auto-server mode, the workers sharing a
 * coalescing backlog.
 */
class H2FileBacklogStoreCoalescingConcurrencyTest extends H2FileBacklogStoreConcurrencyTest {
  @Override
  protected boolean coalescing() {
    return true;
  }
}
