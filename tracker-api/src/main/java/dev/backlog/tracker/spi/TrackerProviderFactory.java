package dev.backlog.tracker.spi;

/**
 * Creates a {@link TrackerProvider}; registered in {@code
 * META-INF/services/dev.backlog.tracker.spi.TrackerProviderFactory}. Factories are listed by {@link
 * dev.backlog.tracker.TrackerProviders} and must be cheap to construct (a public no-argument
 * constructor, no I/O): the provider itself is created only when the configuration selects the
 * factory's {@link #id()}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TrackerProviderFactory {

  /** The SPI version this API speaks; a factory reporting another version is not used. */
  int SPI_VERSION = 1;

  /** The provider id used in {@code tracker.provider}: lower case, such as {@code local}. */
  String id();

  /** The SPI version the provider was built against; leave the default unless told otherwise. */
  default int spiVersion() {
    return SPI_VERSION;
  }

  /** A one-line description for listings. */
  default String description() {
    return id();
  }

  /**
   * Creates the provider.
   *
   * @throws dev.backlog.tracker.TrackerConfigException when the settings are missing or malformed
   */
  TrackerProvider create(TrackerContext context);
}
