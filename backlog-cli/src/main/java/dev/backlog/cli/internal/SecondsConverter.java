package dev.backlog.cli.internal;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an option given in seconds ({@code --ttl}, {@code --wait}, {@code --grace}) in any of the
 * {@link Durations} forms, so that {@code --ttl 15m} means what {@code defer --for 15m} does. A
 * length that is not whole seconds, or not a length at all, is a usage error naming the value and
 * the forms; each option checks its own range after.
 *
 * <p>Stateless and thread-safe.
 */
public final class SecondsConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    Duration d =
        Durations.parse(value)
            .orElseThrow(
                () ->
                    new TypeConversionException(
                        "'" + value + "' is not a length of time; give " + Durations.FORMS));
    if (d.getNano() != 0) {
      throw new TypeConversionException(
          "'" + value + "' is not a whole number of seconds; give " + Durations.FORMS);
    }
    return d.getSeconds();
  }
}
