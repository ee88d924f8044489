package dev.backlog.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identifier of a card: 1 to 128 characters, a letter or digit first, then letters, digits,
 * {@code .}, {@code _}, {@code :} or {@code -}, so that it is safe in file names and branch names.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the identifier text
 */
public record CardId(String value) implements Comparable<CardId> {

  /** The longest identifier accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

  /** Validates the identifier; see the class comment for the accepted shape. */
  public CardId {
    Objects.requireNonNull(value, "value");
    problem(value)
        .ifPresent(
            p -> {
              throw new InvalidInputException(java.util.List.of(new Violation("id", p)));
            });
  }

  /**
   * Returns the identifier for the given text.
   *
   * @throws InvalidInputException when the text is not a valid identifier
   */
  public static CardId of(String value) {
    return new CardId(value);
  }

  /**
   * Explains why a text is not a valid identifier.
   *
   * @return empty when the text is valid, else a message naming the value and the fix
   */
  public static Optional<String> problem(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of(
          "card id is empty; give 1 to "
              + MAX_LENGTH
              + " characters from [A-Za-z0-9._:-], starting with a letter or digit");
    }
    if (value.length() > MAX_LENGTH) {
      return Optional.of(
          "card id '"
              + abbreviate(value)
              + "' has "
              + value.length()
              + " characters; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    if (!SHAPE.matcher(value).matches()) {
      return Optional.of(
          "card id '"
              + abbreviate(value)
              + "' is not allowed; use only"
              + " [A-Za-z0-9._:-], starting with a letter or digit (ids become file and branch names)");
    }
    return Optional.empty();
  }

  static String abbreviate(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 37) + "...";
  }

  @Override
  public int compareTo(CardId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
