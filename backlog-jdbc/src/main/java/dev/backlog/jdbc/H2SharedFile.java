package dev.backlog.jdbc;

import dev.backlog.core.InvalidInputException;
import dev.backlog.jdbc.internal.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a store opens an embedded H2 database file that other processes use at the same time: the
 * default file {@code backlog.mv.db} in a backlog home (the {@code backlog} CLI's {@code
 * $BACKLOG_HOME}, default {@code ~/.backlog}), or a file a host names by its own auto-server URL.
 * Give it to {@link JdbcBacklogStore.Builder#sharedH2File}; every process that uses the same home
 * this way, the CLI included, coordinates with the others:
 *
 * <pre>{@code
 * // a build-tool plugin that keeps the store open while the build runs, next to CLI commands
 * try (JdbcBacklogStore store = JdbcBacklogStore.builder()
 *         .sharedH2File(H2SharedFile.of(home, H2SharedFile.Mode.LONG_RUNNING))
 *         .build()) { … }
 * }</pre>
 *
 * <ul>
 *   <li>{@link Mode#BRIEF}: for a store that is closed again within a second or so and never waits
 *       for other processes' work (what a short CLI command does). The store holds an
 *       operating-system lock on {@value #OPEN_LOCK_FILE} in the home from opening until it is
 *       closed, and opens the file with H2's own file lock ({@code FILE_LOCK=FS}) and no server,
 *       through H2's small connection pool: the fastest way to open it. Other processes wait their
 *       turn meanwhile. When another process serves the file ({@value #SERVER_LOCK_FILE} exists in
 *       the home, or H2 reports the file in use by a program that does not take the open lock), the
 *       store joins that process as a client instead, as in {@code LONG_RUNNING}.
 *   <li>{@link Mode#LONG_RUNNING}: for a store that stays open (a server, a build, a long poll).
 *       The file is opened with {@link JdbcBacklogStore#defaultH2Url}, in H2's auto-server mode:
 *       the first process to open it serves it to the others over loopback and writes {@value
 *       #SERVER_LOCK_FILE}. The open lock is held only while opening, so processes that start
 *       together connect one after the other instead of racing for the file, and a {@code BRIEF}
 *       store that holds the file is waited for.
 * </ul>
 *
 * <p><b>The wait.</b> A store waits for the open lock up to {@link #turnWait()} (default {@link
 * #DEFAULT_TURN_WAIT}), then fails with {@link dev.backlog.core.StoreUnavailableException} naming
 * the lock file and changing nothing. A process that dies releases its operating-system locks with
 * it, so nothing stale stays behind. Where the file system refuses such locks, or this process
 * already holds the lock (a second store on the same home in the same JVM), the store goes on
 * without it: H2's own file lock still keeps the file consistent, and the store retries H2's
 * "database in use" for up to {@link JdbcBacklogStore#CONNECT_RETRY}.
 *
 * <p><b>The hand-over.</b> A store that serves the file in auto-server mode waits, when it is
 * closed, while another process is busy with the file (running a statement, or connected within the
 * last {@link #HAND_OVER_RECENT}), for at most {@link #HAND_OVER_MAX_WAIT}; an idle long-lived
 * client is not waited for. Then it closes, and the next process to connect takes over the file
 * (its store retries meanwhile). Without that wait, a server that exits breaks its clients'
 * sessions, and a burst of short processes turns into a chain of hand-overs. A served process that
 * is killed leaves {@value #SERVER_LOCK_FILE} behind: the next process finds it stale and goes on
 * after a few seconds (H2 checks the lock's owner; about 4 s measured after a {@code kill -9}).
 *
 * <p><b>Compaction.</b> H2 compacts the file whenever its last connection closes, which costs a
 * short process tens of milliseconds; while the default file is smaller than {@link
 * #COMPACT_ABOVE_BYTES} it is opened with {@code MAX_COMPACT_TIME=0} (it grows by some kilobytes
 * per writing process), and from that size on the next close compacts it as usual.
 *
 * <p><b>The driver.</b> {@code backlog-jdbc} declares {@code com.h2database:h2} {@code optional}:
 * add it to the host's class path to use this option. The store's H2-specific code is loaded only
 * when this option is used, so a host on PostgreSQL does not need H2; without H2 the store fails
 * with {@code StoreUnavailableException} naming the artifact.
 *
 * <p>Immutable and thread-safe.
 */
public final class H2SharedFile {

  /** How long a store keeps the shared file, which decides how it opens it. */
  public enum Mode {
    /** Opened, used for a moment and closed: keeps the file to this process while open. */
    BRIEF,
    /** Kept open for a while: shares the file through H2's auto-server mode. */
    LONG_RUNNING
  }

  /** The lock file, in the home, that serializes opening the default H2 file. */
  public static final String OPEN_LOCK_FILE = ".open.lock";

  /** The H2 database file in the home. */
  public static final String DATABASE_FILE = "backlog.mv.db";

  /**
   * The file H2 keeps next to the database while a process serves it to others (auto-server mode);
   * a {@link Mode#BRIEF} store that keeps the file to itself does not make one.
   */
  public static final String SERVER_LOCK_FILE = "backlog.lock.db";

  /** How long a store waits for the open lock when none is given. */
  public static final Duration DEFAULT_TURN_WAIT = Duration.ofSeconds(60);

  /** The longest a store that serves the file waits for other processes before closing anyway. */
  public static final Duration HAND_OVER_MAX_WAIT = Duration.ofSeconds(15);

  /** A process that connected this recently is taken to be at work still (see the hand-over). */
  public static final Duration HAND_OVER_RECENT = Duration.ofSeconds(10);

  /** The size from which the default file is compacted when its last connection closes. */
  public static final long COMPACT_ABOVE_BYTES = 1L << 20;

  private final Path home;
  private final String url;
  private final Mode mode;
  private final Duration turnWait;

  private H2SharedFile(Path home, String url, Mode mode, Duration turnWait) {
    this.home = home;
    this.url = url;
    this.mode = mode;
    this.turnWait = turnWait;
  }

  /**
   * The default H2 file in {@code home} (created when missing), opened in the given mode.
   *
   * @throws InvalidInputException when the home cannot be written into an H2 URL (it contains
   *     {@code ;})
   */
  public static H2SharedFile of(Path home, Mode mode) {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(mode, "mode");
    Path absolute = home.toAbsolutePath().normalize();
    return new H2SharedFile(
        absolute, JdbcBacklogStore.defaultH2Url(absolute), mode, DEFAULT_TURN_WAIT);
  }

  /**
   * A database file the host names by its own H2 URL in auto-server mode ({@code
   * AUTO_SERVER=TRUE}), always {@link Mode#LONG_RUNNING}: the URL is opened as given (no open lock,
   * which belongs to a home), and the store hands the file over when it closes as described above.
   *
   * @throws InvalidInputException when the URL is not such a URL (see {@link #isAutoServerUrl})
   */
  public static H2SharedFile autoServerUrl(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!isAutoServerUrl(jdbcUrl)) {
      throw InvalidInputException.of(
          "url",
          "'"
              + Secrets.redactUrl(jdbcUrl)
              + "' is not an H2 URL in auto-server mode; use jdbc:h2:file:…;AUTO_SERVER=TRUE, or give other URLs to"
              + " JdbcBacklogStore.Builder.url");
    }
    return new H2SharedFile(null, jdbcUrl, Mode.LONG_RUNNING, DEFAULT_TURN_WAIT);
  }

  /**
   * Whether the URL names an H2 database in auto-server mode, which {@link #autoServerUrl} accepts.
   */
  public static boolean isAutoServerUrl(String jdbcUrl) {
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    return lower.startsWith("jdbc:h2:") && lower.replace(" ", "").contains(";auto_server=true");
  }

  /**
   * This file with another wait for the open lock.
   *
   * @throws InvalidInputException when the wait is negative
   */
  public H2SharedFile withTurnWait(Duration wait) {
    Objects.requireNonNull(wait, "wait");
    if (wait.isNegative()) {
      throw InvalidInputException.of(
          "turnWait", "turnWait " + wait + " is negative; use zero or more");
    }
    return new H2SharedFile(home, url, mode, wait);
  }

  /** The backlog home, or empty for a file named by {@link #autoServerUrl}. */
  public Optional<Path> home() {
    return Optional.ofNullable(home);
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  /** How long a store waits for the open lock before it fails. */
  public Duration turnWait() {
    return turnWait;
  }

  /** The home or the URL (passwords written into it masked), the mode and the wait. */
  @Override
  public String toString() {
    return "H2SharedFile["
        + (home != null ? home : Secrets.redactUrl(url))
        + ", "
        + mode
        + ", turnWait "
        + turnWait
        + "]";
  }

  /**
   * The URL the file is shared through in auto-server mode: {@link JdbcBacklogStore#defaultH2Url}
   * of the home, or the host's URL.
   */
  public String url() {
    return url;
  }
}
