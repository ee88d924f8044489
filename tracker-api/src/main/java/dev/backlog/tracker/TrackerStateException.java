package dev.backlog.tracker;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A tracker's own file could not be read or written: it is corrupt, locked for too long, or the
 * file system failed. The message names the file and what to do.
 */
public final class TrackerStateException extends TrackerException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** Creates the exception for a file. */
  public TrackerStateException(Path file, String message, Throwable cause) {
    super(TrackerErrorCode.TRACKER_STATE, message, cause);
    this.file = file;
  }

  /** Creates the exception for a file. */
  public TrackerStateException(Path file, String message) {
    this(file, message, null);
  }

  /** The file concerned, when known. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
