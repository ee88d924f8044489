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
   * @param brief whether the command is short (it ends within a second or so, without waiting for
   *     anything): such a command may keep the default H2 file to itself while it runs, which opens
   *     faster than sharing it
   */
  BacklogStore open(Settings settings, int maxPoolSize, boolean brief);
}
