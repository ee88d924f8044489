package dev.backlog.cli.internal;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The log encoder of the CLI: lays out each event with the pattern, then masks the passwords of
 * JDBC URLs ({@code password=…} parameters and {@code user:password@} user info) in the whole line,
 * stack traces included, so that libraries' own debug dumps (the connection pool prints its URL
 * under {@code --verbose}) cannot show them. Thread-safe as logback's encoders are.
 */
public final class RedactingEncoder extends PatternLayoutEncoder {

  private static final Redaction URL_PASSWORDS = Redaction.none();

  /**
   * {@code user:password@host} without the URL's {@code //}, as a driver's exception quotes the
   * host part of a URL with user info ({@code UnknownHostException: postgres:secret@db}).
   */
  private static final java.util.regex.Pattern BARE_USER_INFO =
      java.util.regex.Pattern.compile("(\\b[\\w.%+-]+:)([^\\s@/:]+)(@[\\w.-]+)");

  /** Creates the encoder; {@link LogSetup} configures it. */
  public RedactingEncoder() {}

  @Override
  public byte[] encode(ILoggingEvent event) {
    String text = URL_PASSWORDS.apply(getLayout().doLayout(event));
    text = BARE_USER_INFO.matcher(text).replaceAll("$1" + Redaction.MASK + "$3");
    Charset charset = getCharset() == null ? StandardCharsets.UTF_8 : getCharset();
    return text.getBytes(charset);
  }
}
