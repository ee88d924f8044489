package dev.backlog.tracker.local;

import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.tck.TrackerProviderContract;
import java.nio.file.Path;
import java.time.InstantSource;

class LocalTrackerProviderTest extends TrackerProviderContract {

  @Override
  protected TrackerProvider newProvider(Path dir) {
    return new LocalTrackerProvider(dir, InstantSource.system());
  }
}
