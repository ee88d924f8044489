package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A backlog runs as many coalesced transactions of a kind side by side as its store prefers ({@link
 * BacklogStore#coalescedInFlight}) unless the builder says otherwise: with one, a second claim
 * queues behind the claim in flight; with four, it runs beside it.
 */
class CoalescedInFlightPreferenceTest {

  /** The in-memory store, whose next transaction waits at a gate, preferring {@code inFlight}. */
  static final class GatedStore implements BacklogStore {
    final BacklogStore inner = new InMemoryBacklogStore(InstantSource.system());
    final int inFlight;
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    GatedStore(int inFlight) {
      this.inFlight = inFlight;
    }

    @Override
    public <T> T inTransaction(StoreWork<T> work) {
      if (armed.compareAndSet(true, false)) {
        entered.countDown();
        try {
          assertTrue(open.await(30, TimeUnit.SECONDS), "the gate opens");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return inner.inTransaction(work);
    }

    @Override
    public int coalescedInFlight() {
      return inFlight;
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /**
   * Holds one claim in its transaction and starts a second; returns whether the second finished
   * while the first was still held (it ran beside it), then lets the first finish.
   */
  private static boolean secondRunsBesideTheFirst(GatedStore store, Backlog backlog)
      throws Exception {
    backlog.create(NewCard.builder("A").title("a").build());
    backlog.create(NewCard.builder("B").title("b").build());
    store.armed.set(true);
    CompletableFuture<Optional<Claim>> first =
        CompletableFuture.supplyAsync(() -> backlog.claimOne("w1", Duration.ofMinutes(1)));
    assertTrue(store.entered.await(30, TimeUnit.SECONDS), "the first claim is in its transaction");
    CompletableFuture<Optional<Claim>> second =
        CompletableFuture.supplyAsync(() -> backlog.claimOne("w2", Duration.ofMinutes(1)));
    boolean beside;
    try {
      second.get(2, TimeUnit.SECONDS);
      beside = true;
    } catch (TimeoutException e) {
      assertEquals(1, backlog.coalescingStats().claims().waiting(), "it queues behind the first");
      beside = false;
    }
    store.open.countDown();
    Claim a = first.get(30, TimeUnit.SECONDS).orElseThrow();
    Claim b = second.get(30, TimeUnit.SECONDS).orElseThrow();
    assertNotEquals(a.card().id(), b.card().id());
    assertNotEquals(a.token(), b.token());
    return beside;
  }

  @Test
  void aStoreThatPrefersOneMakesASecondClaimQueue() throws Exception {
    GatedStore store = new GatedStore(1);
    try (Backlog backlog = Backlog.builder().store(store).build()) {
      assertFalse(secondRunsBesideTheFirst(store, backlog), "queued behind the claim in flight");
    }
  }

  @Test
  void aStoreThatPrefersFourLetsASecondClaimRunBeside() throws Exception {
    GatedStore store = new GatedStore(4);
    try (Backlog backlog = Backlog.builder().store(store).build()) {
      assertTrue(secondRunsBesideTheFirst(store, backlog), "ran beside the claim in flight");
    }
  }

  @Test
  void theBuildersSettingOverridesTheStoresPreference() throws Exception {
    GatedStore store = new GatedStore(1);
    try (Backlog backlog = Backlog.builder().store(store).coalescedInFlight(4).build()) {
      assertTrue(secondRunsBesideTheFirst(store, backlog), "ran beside the claim in flight");
    }
  }

  @Test
  void aStorePreferenceOutOfRangeIsRefusedNamingTheStore() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> Backlog.builder().store(new GatedStore(0)).build());
    assertTrue(
        e.getMessage().contains("coalescedInFlight 0 is out of range; use 1 to 64")
            && e.getMessage().contains("the preference of store GatedStore"),
        e.getMessage());
  }

  @Test
  void theInMemoryStoreKeepsTheDefault() {
    assertEquals(
        Backlog.DEFAULT_COALESCED_IN_FLIGHT,
        new InMemoryBacklogStore(InstantSource.system()).coalescedInFlight());
  }
}
