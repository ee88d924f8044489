package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Log lines never carry the passwords of JDBC URLs, whoever logs them. */
class RedactingEncoderTest {

  @Test
  void passwordsInUrlParametersUserInfoAndStackTracesAreMaskedInEveryLogLine() {
    LoggerContext context = new LoggerContext();
    RedactingEncoder encoder = new RedactingEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %logger - %msg%n");
    encoder.start();
    LoggingEvent event =
        new LoggingEvent(
            "test",
            context.getLogger("com.zaxxer.hikari.HikariConfig"),
            Level.DEBUG,
            "jdbcUrl........jdbc:postgresql://postgres:S3cretUserInfo@db/x and"
                + " jdbc:postgresql://db/x?user=u&password=S3cretParam",
            new IllegalStateException(
                "cannot connect to jdbc:h2:tcp://h/x;PASSWORD=S3cretH2",
                new java.net.UnknownHostException("postgres:S3cretBare@127.0.0.1")),
            null);

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertFalse(line.contains("S3cret"), line);
    assertTrue(line.contains("postgres:****@db"), line);
    assertTrue(line.contains("password=****"), line);
    assertTrue(line.contains("postgres:****@127.0.0.1"), line);
    assertTrue(line.contains("IllegalStateException"), "the stack trace is still there: " + line);
  }

  @Test
  void anHttpLibrarysDebugLineWithTheAuthorizationHeaderShowsNoToken() {
    // what Jetty's parser logs under `backlog --verbose serve` for each request with a token
    LoggerContext context = new LoggerContext();
    RedactingEncoder encoder = new RedactingEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    LoggingEvent event =
        new LoggingEvent(
            "test",
            context.getLogger("org.eclipse.jetty.http.HttpParser"),
            Level.DEBUG,
            "parsedHeader(Authorization: Bearer S3cretServerToken-1) header=Authorization,"
                + " valueString=[Bearer S3cretServerToken-1] and basic dXNlcjpTM2NyZXQ=",
            null,
            null);

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertFalse(line.contains("S3cret"), line);
    assertFalse(line.contains("dXNlcjpTM2NyZXQ"), line);
    assertTrue(line.contains("Authorization: Bearer ****)"), line);
    assertTrue(line.contains("valueString=[Bearer ****]"), line);
  }
}
