package dev.backlog.cli.internal;

import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreWork;
import java.time.Duration;
import java.util.Objects;

/**
 * A store that hands every call to another store and adds something when it closes; subclasses
 * say what in {@link #close}. Thread-safe when the wrapped store is.
 */
abstract class ForwardingStore implements BacklogStore {

  /** The wrapped store. */
  protected final BacklogStore delegate;

  ForwardingStore(BacklogStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public <T> T inTransaction(StoreWork<T> work) {
    return delegate.inTransaction(work);
  }

  @Override
  public void awaitChange(Duration timeout) throws InterruptedException {
    delegate.awaitChange(timeout);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
