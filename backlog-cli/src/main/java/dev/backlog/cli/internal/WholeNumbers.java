package dev.backlog.cli.internal;

import java.math.BigInteger;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads the whole-number options of every command ({@code --limit}, {@code --priority}, {@code
 * --port}, ...) and says what was wrong in the words of the other usage errors ("'two' is not a
 * whole number"), not in the Java type picocli wanted. Each option checks its own range after.
 *
 * <p>Stateless and thread-safe.
 */
final class WholeNumbers {

  /** Decimal digits with an optional sign, as picocli's own converters read them. */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+");

  private WholeNumbers() {}

  /** Registers the converters for {@code int} and {@code long} on the command and below it. */
  static void register(CommandLine cl) {
    ITypeConverter<Integer> ints =
        converter(Integer.MIN_VALUE, Integer.MAX_VALUE, n -> Integer.valueOf((int) n));
    ITypeConverter<Long> longs = converter(Long.MIN_VALUE, Long.MAX_VALUE, Long::valueOf);
    cl.registerConverter(Integer.class, ints);
    cl.registerConverter(Integer.TYPE, ints);
    cl.registerConverter(Long.class, longs);
    cl.registerConverter(Long.TYPE, longs);
  }

  private static <T> ITypeConverter<T> converter(long min, long max, LongFunction<T> box) {
    return value -> {
      if (!DECIMAL.matcher(value).matches()) {
        throw new TypeConversionException("'" + value + "' is not a whole number");
      }
      BigInteger n = new BigInteger(value);
      if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
        throw new TypeConversionException(
            "'" + value + "' is out of range; give a whole number from " + min + " to " + max);
      }
      return box.apply(n.longValueExact());
    };
  }
}
