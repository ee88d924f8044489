package dev.backlog.tracker;

/**
 * The changelog text is not in the expected format (its first line is not {@code # Changelog}).
 * Nothing changed.
 */
public final class ChangelogFormatException extends TrackerException {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final String lineText;

  /** Creates the exception naming the offending line. */
  public ChangelogFormatException(int line, String lineText, String message) {
    super(TrackerErrorCode.CHANGELOG_FORMAT, message);
    this.line = line;
    this.lineText = lineText;
  }

  /** The 1-based number of the offending line. */
  public int line() {
    return line;
  }

  /** The offending line's text. */
  public String lineText() {
    return lineText;
  }
}
