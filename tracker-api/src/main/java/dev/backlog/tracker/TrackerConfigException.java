package dev.backlog.tracker;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The tracker configuration is malformed, names an unknown provider, or misses or mistypes a field.
 * The message names the file, the field and the fix; the backlog never falls back silently to
 * another provider. Category {@code INVALID_INPUT} (CLI exit 2).
 */
public final class TrackerConfigException extends TrackerException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String field;
  private final String problem;
  private final String fix;

  /**
   * Creates the exception.
   *
   * @param file the config file, or null when the configuration was built in code
   * @param field the dotted path of the field, such as {@code tracker.provider}
   * @param problem what is wrong, with the value
   * @param fix what to do
   */
  public TrackerConfigException(Path file, String field, String problem, String fix) {
    this(file, field, problem, fix, null);
  }

  /** Creates the exception with an underlying cause (such as a JSON parse error). */
  public TrackerConfigException(
      Path file, String field, String problem, String fix, Throwable cause) {
    super(
        TrackerErrorCode.TRACKER_CONFIG_INVALID,
        (file == null ? "tracker configuration" : file.toString())
            + ": field '"
            + field
            + "': "
            + problem
            + "; fix: "
            + fix,
        cause);
    this.file = file;
    this.field = field;
    this.problem = problem;
    this.fix = fix;
  }

  /** The config file, when the configuration came from one. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The dotted path of the offending field. */
  public String field() {
    return field;
  }

  /** What is wrong. */
  public String problem() {
    return problem;
  }

  /** What to do. */
  public String fix() {
    return fix;
  }
}
