package dev.backlog.core.internal;

import dev.backlog.core.Violation;
import java.util.List;

/**
 * Shared input checks that add a {@link Violation} instead of throwing, so callers report all at
 * once.
 */
public final class Checks {

  private Checks() {}

  /**
   * Adds a violation when the text is too long or holds control characters other than tab and
   * newlines.
   */
  public static void text(
      List<Violation> out, String field, String value, int maxLength, boolean multiLine) {
    if (value == null) {
      return;
    }
    if (value.length() > maxLength) {
      out.add(
          new Violation(
              field,
              field
                  + " has "
                  + value.length()
                  + " characters; at most "
                  + maxLength
                  + " are allowed"));
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowedWhitespace = c == '\t' || (multiLine && (c == '\n' || c == '\r'));
      if (Character.isISOControl(c) && !allowedWhitespace) {
        out.add(
            new Violation(
                field,
                field
                    + " contains control character U+"
                    + String.format("%04X", (int) c)
                    + " at position "
                    + (i + 1)
                    + "; remove it"));
        return;
      }
    }
  }

  /** Adds a violation when the text is null or blank, else applies {@link #text}. */
  public static void required(
      List<Violation> out, String field, String value, int maxLength, boolean multiLine) {
    if (value == null || value.isBlank()) {
      out.add(new Violation(field, field + " is required and must not be blank"));
      return;
    }
    text(out, field, value, maxLength, multiLine);
  }

  /**
   * Adds a violation when {@code value} is outside {@code min..max}: "{@code field value} is out of
   * range; use min to max", followed by {@code hint} when it is not empty.
   */
  public static void range(
      List<Violation> out, String field, long value, long min, long max, String hint) {
    if (value < min || value > max) {
      out.add(
          new Violation(
              field, field + " " + value + " is out of range; use " + min + " to " + max + hint));
    }
  }

  /** Shortens a value for an error message and replaces control characters. */
  public static String show(String value) {
    if (value == null) {
      return "null";
    }
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
  }
}
