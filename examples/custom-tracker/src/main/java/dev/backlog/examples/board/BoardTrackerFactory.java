package dev.backlog.examples.board;

import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.spi.TrackerProviderFactory;
import java.nio.file.Path;
import java.util.Set;

/**
 * Registers the {@code board} provider (in {@code META-INF/services}). Its one required setting is
 * the board file: {@code {"tracker":{"provider":"board","board":{"path":"BOARD.md"}}}}, relative to
 * the project directory (or the backlog home).
 *
 * <p>Stateless and thread-safe.
 */
public final class BoardTrackerFactory implements TrackerProviderFactory {

  /** Creates the factory; does nothing else. */
  public BoardTrackerFactory() {}

  @Override
  public String id() {
    return BoardTrackerProvider.ID;
  }

  @Override
  public String description() {
    return "the whole tracker in one Markdown board file";
  }

  @Override
  public TrackerProvider create(TrackerContext context) {
    TrackerConfig config = context.config();
    config.rejectUnknown(Set.of("path"));
    config.requireText("path", "\"BOARD.md\"");
    Path board = config.path("path").orElseThrow();
    return new BoardTrackerProvider(board, context.clock());
  }
}
