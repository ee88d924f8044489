package dev.backlog.cli.internal;

import dev.backlog.core.spi.BacklogStore;

/** Opens the store the settings name. Implementations are thread-safe. */
@FunctionalInterface
public interface StoreOpener {

  /**
   * Opens a store.
   *
   * @param settings where to connect
   * @param maxPoolSize the most connections the command will use at once
   */
  BacklogStore open(Settings settings, int maxPoolSize);
}
