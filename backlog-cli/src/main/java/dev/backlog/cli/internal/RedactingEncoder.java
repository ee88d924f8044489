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

  /** Creates the encoder; {@link LogSetup} configures it. */
  public RedactingEncoder() {}

  @Override
  public byte[] encode(ILoggingEvent event) {
    String text = URL_PASSWORDS.apply(getLayout().doLayout(event));
    Charset charset = getCharset() == null ? StandardCharsets.UTF_8 : getCharset();
    return text.getBytes(charset);
  }
}
