package dev.backlog.examples.board;

import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.tck.TrackerProviderContract;
import java.nio.file.Path;
import java.time.InstantSource;

class BoardTrackerProviderTest extends TrackerProviderContract {

  @Override
  protected TrackerProvider newProvider(Path dir) {
    return new BoardTrackerProvider(dir.resolve("BOARD.md"), InstantSource.system());
  }
}
