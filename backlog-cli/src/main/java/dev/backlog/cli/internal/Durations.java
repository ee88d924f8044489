package dev.backlog.cli.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lengths of time as the command line writes them, the same for every option that takes one: whole
 * seconds ({@code 900}), a whole number with a unit ({@code 90s}, {@code 30m}, {@code 2h}, {@code
 * 1d}) or ISO-8601 ({@code PT2H}). Range checks belong to each option.
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {

  /** What a length of time may look like, for error messages. */
  public static final String FORMS = "seconds (900) or a number with a unit: 90s, 30m, 2h, 1d";

  private static final Pattern SECONDS = Pattern.compile("[+-]?\\d+");
  private static final Pattern WITH_UNIT = Pattern.compile("([+-]?\\d+)\\s*([smhd])");

  private Durations() {}

  /** The length {@code text} writes, or empty when it is none of the forms (or overflows). */
  public static Optional<Duration> parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (SECONDS.matcher(t).matches()) {
        return Optional.of(Duration.ofSeconds(Long.parseLong(t)));
      }
      Matcher m = WITH_UNIT.matcher(t);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return Optional.of(
            switch (m.group(2)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            });
      }
      return Optional.of(Duration.parse(t));
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
