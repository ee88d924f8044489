package dev.backlog.tck;

import dev.backlog.core.StoreUnavailableException;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A real store behind a gate, for {@link CoalescingContract}: the next transaction can be held
 * until the test opens the gate (so calls queue behind it and form one coalesced batch), and the
 * next transaction can be failed after its work ran (as a lost connection would fail it), so the
 * store rolls it back. Everything else goes straight to the store. Single operations run as
 * ordinary transactions here (the default {@link BacklogStore#inSingleOperation}), so a failure
 * injected after the work ran rolls it back on every store.
 *
 * <p>Thread-safe.
 */
final class GatedStore implements BacklogStore {

  private static final Duration MOST = Duration.ofSeconds(30);

  private final BacklogStore store;
  private final AtomicBoolean hold = new AtomicBoolean();
  private final AtomicBoolean fail = new AtomicBoolean();
  private volatile CountDownLatch entered = new CountDownLatch(0);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile BooleanSupplier when = () -> true;

  GatedStore(BacklogStore store) {
    this.store = store;
  }

  /**
   * Holds the next transaction at the gate until {@link #open()}. Open the gate of a held
   * transaction before holding the next one.
   */
  void holdNext() {
    holdNext(() -> true);
  }

  /**
   * Holds the next transaction started by a thread for which {@code when} is true (asked on that
   * thread) at the gate until {@link #open()}.
   */
  void holdNext(BooleanSupplier when) {
    entered = new CountDownLatch(1);
    gate = new CountDownLatch(1);
    this.when = when;
    hold.set(true);
  }

  /**
   * Lets the held transaction go on and, in the same step, holds the next transaction started by a
   * thread for which {@code when} is true: no transaction can slip through between the two.
   */
  void openAndHoldNext(BooleanSupplier when) {
    CountDownLatch held = gate;
    holdNext(when);
    held.countDown();
  }

  /** Waits until the held transaction reached the gate. */
  void awaitHeld() throws InterruptedException {
    if (!entered.await(MOST.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("no transaction reached the gate within " + MOST);
    }
  }

  /** Lets the held transaction go on. */
  void open() {
    gate.countDown();
  }

  /** Fails the next transaction that starts after the held one, after its work ran. */
  void failNext() {
    fail.set(true);
  }

  @Override
  public <T> T inTransaction(StoreWork<T> work) {
    if (hold.get() && when.getAsBoolean() && hold.compareAndSet(true, false)) {
      CountDownLatch myGate = gate;
      entered.countDown();
      try {
        if (!myGate.await(MOST.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never opened the gate within " + MOST);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted at the gate", e);
      }
      return store.inTransaction(work);
    }
    if (fail.compareAndSet(true, false)) {
      return store.inTransaction(
          tx -> {
            work.run(tx);
            throw new StoreUnavailableException(
                "the connection was lost in the middle of the transaction (a failure the test"
                    + " injected); retry later",
                null);
          });
    }
    return store.inTransaction(work);
  }

  @Override
  public void awaitChange(Duration timeout) throws InterruptedException {
    store.awaitChange(timeout);
  }

  @Override
  public int coalescedInFlight() {
    return store.coalescedInFlight();
  }

  @Override
  public String describe() {
    return "gated " + store.describe();
  }

  @Override
  public void close() {
    store.close();
  }
}
