package dev.backlog.core.internal;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Writes and reads flat JSON objects of string values (lease attributes). */
public final class FlatJson {

  private FlatJson() {}

  /** A compact JSON object of the entries, in the map's order. */
  public static String write(Map<String, String> entries) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : entries.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(JsonText.quote(e.getKey())).append(':').append(JsonText.quote(e.getValue()));
    }
    return sb.append('}').toString();
  }

  /**
   * Reads a JSON object whose values are all strings.
   *
   * @throws IllegalArgumentException when the text is anything else
   */
  public static SortedMap<String, String> read(String json) {
    String text = JsonText.compact(json);
    SortedMap<String, String> out = new TreeMap<>();
    int[] pos = {0};
    expect(text, pos, '{');
    if (peek(text, pos) == '}') {
      pos[0]++;
    } else {
      while (true) {
        String key = string(text, pos);
        expect(text, pos, ':');
        String value = string(text, pos);
        out.put(key, value);
        char c = text.charAt(pos[0]++);
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw new IllegalArgumentException("expected , or } at " + (pos[0] - 1) + " in " + json);
        }
      }
    }
    if (pos[0] != text.length()) {
      throw new IllegalArgumentException("not a flat JSON object of strings: " + json);
    }
    return out;
  }

  private static char peek(String text, int[] pos) {
    return pos[0] < text.length() ? text.charAt(pos[0]) : 0;
  }

  private static void expect(String text, int[] pos, char c) {
    if (peek(text, pos) != c) {
      throw new IllegalArgumentException(
          "expected " + c + " at " + pos[0] + " in a flat JSON object of strings: " + text);
    }
    pos[0]++;
  }

  private static String string(String text, int[] pos) {
    expect(text, pos, '"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = text.charAt(pos[0]++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = text.charAt(pos[0]++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          sb.append((char) Integer.parseInt(text.substring(pos[0], pos[0] + 4), 16));
          pos[0] += 4;
        }
        default -> throw new IllegalArgumentException("bad escape \\" + e + " in " + text);
      }
    }
  }
}
