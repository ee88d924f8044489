package dev.backlog.tck.inmemory;

/**
 * The concurrency contract on the in-memory store with the workers sharing a coalescing backlog.
 */
class InMemoryBacklogStoreCoalescingConcurrencyTest extends InMemoryBacklogStoreConcurrencyTest {

  @Override
  protected boolean coalescing() {
    return true;
  }
}
