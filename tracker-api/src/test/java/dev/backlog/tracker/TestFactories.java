package dev.backlog.tracker;

import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.spi.TrackerProviderFactory;

/** Provider factories registered by the discovery tests through their own class loader. */
final class TestFactories {

  private TestFactories() {}

  /** A working provider that requires the setting {@code name}. */
  public static final class Good implements TrackerProviderFactory {
    @Override
    public String id() {
      return "good";
    }

    @Override
    public TrackerProvider create(TrackerContext context) {
      context.config().requireText("name", "\"board\"");
      return new MemoryTrackerProvider("good");
    }
  }

  /** Lists fine, but must never be created unless selected. */
  public static final class ExplodesOnCreate implements TrackerProviderFactory {
    @Override
    public String id() {
      return "explodes";
    }

    @Override
    public TrackerProvider create(TrackerContext context) {
      throw new IllegalStateException(
          "the explodes provider was created although nothing selected it");
    }
  }

  /** Fails in its constructor, as a provider with a broken static setup would. */
  public static final class BrokenConstructor implements TrackerProviderFactory {
    public BrokenConstructor() {
      throw new IllegalStateException("missing native library");
    }

    @Override
    public String id() {
      return "broken";
    }

    @Override
    public TrackerProvider create(TrackerContext context) {
      return new MemoryTrackerProvider("broken");
    }
  }

  /** Built against a future SPI. */
  public static final class FutureVersion implements TrackerProviderFactory {
    @Override
    public String id() {
      return "future";
    }

    @Override
    public int spiVersion() {
      return SPI_VERSION + 1;
    }

    @Override
    public TrackerProvider create(TrackerContext context) {
      return new MemoryTrackerProvider("future");
    }
  }

  /** Claims an id another provider already has. */
  public static final class DuplicateGood implements TrackerProviderFactory {
    @Override
    public String id() {
      return "good";
    }

    @Override
    public TrackerProvider create(TrackerContext context) {
      return new MemoryTrackerProvider("dup");
    }
  }
}
