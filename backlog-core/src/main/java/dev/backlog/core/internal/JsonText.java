package dev.backlog.core.internal;

import java.util.List;

/**
 * A small JSON reader that validates a text and returns it in compact form (insignificant
 * whitespace removed, member order kept), plus string quoting. Enough for acceptance criteria and
 * event payloads without a JSON library in the core.
 */
public final class JsonText {

  private final String text;
  private int pos;
  private final StringBuilder out = new StringBuilder();

  private JsonText(String text) {
    this.text = text;
  }

  /**
   * Validates and compacts a JSON text.
   *
   * @throws IllegalArgumentException with the offset and the problem when the text is not JSON
   */
  public static String compact(String text) {
    JsonText reader = new JsonText(text);
    reader.skipWhitespace();
    reader.value(0);
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error("unexpected text after the JSON value");
    }
    return reader.out.toString();
  }

  /** The first non-whitespace character of a compact JSON text, or 0 when empty. */
  public static char kind(String compactJson) {
    return compactJson.isEmpty() ? 0 : compactJson.charAt(0);
  }

  /** Renders a list of strings as a compact JSON array. */
  public static String array(List<String> items) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(quote(items.get(i)));
    }
    return sb.append(']').toString();
  }

  /** Quotes a string as a JSON string literal. */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private void value(int depth) {
    if (depth > 64) {
      throw error("nesting deeper than 64 levels");
    }
    if (pos >= text.length()) {
      throw error("the JSON text ends where a value was expected");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw error("unexpected character '" + c + "'");
        }
      }
    }
  }

  private void object(int depth) {
    out.append('{');
    pos++;
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      out.append('}');
      return;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a member name in double quotes");
      }
      string();
      skipWhitespace();
      expect(':');
      out.append(':');
      skipWhitespace();
      value(depth + 1);
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
        out.append(',');
      } else if (c == '}') {
        pos++;
        out.append('}');
        return;
      } else {
        throw error("expected ',' or '}' in an object");
      }
    }
  }

  private void array(int depth) {
    out.append('[');
    pos++;
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      out.append(']');
      return;
    }
    while (true) {
      skipWhitespace();
      value(depth + 1);
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
        out.append(',');
      } else if (c == ']') {
        pos++;
        out.append(']');
        return;
      } else {
        throw error("expected ',' or ']' in an array");
      }
    }
  }

  private void string() {
    int start = pos;
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        out.append(text, start, pos);
        return;
      }
      if (c < 0x20) {
        throw error("a control character inside a string must be escaped");
      }
      if (c == '\\') {
        pos++;
        char e = peek();
        if ("\"\\/bfnrt".indexOf(e) >= 0) {
          pos++;
        } else if (e == 'u') {
          for (int i = 1; i <= 4; i++) {
            if (pos + i >= text.length() || Character.digit(text.charAt(pos + i), 16) < 0) {
              throw error("a \\u escape needs four hex digits");
            }
          }
          pos += 5;
        } else {
          throw error("unknown escape in a string");
        }
      } else {
        pos++;
      }
    }
    throw error("a string is not closed");
  }

  private void number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw error("a number needs digits");
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw error("a decimal point needs digits after it");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("an exponent needs digits");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    out.append(text, start, pos);
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected word; expected " + word);
    }
    pos += word.length();
    out.append(word);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        return;
      }
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException(problem + " at character " + (pos + 1));
  }
}
