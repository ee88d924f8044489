package dev.backlog.cli.internal;

import dev.backlog.json.JsonContract;
import java.util.Arrays;
import java.util.List;

/** Turns the {@code --acceptance} option into JSON text. Stateless and thread-safe. */
final class Acceptance {

  private Acceptance() {}

  /**
   * A text starting with {@code [} or <code>{</code> is JSON and passed on as is (the core
   * validates it and names the problem); anything else is a {@code ;}-separated list of criteria,
   * returned as a JSON array of strings. Null stays null.
   */
  static String toJson(String option) {
    if (option == null) {
      return null;
    }
    String trimmed = option.strip();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      return trimmed;
    }
    List<String> items =
        Arrays.stream(trimmed.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    return JsonContract.render(
        g -> {
          g.writeStartArray();
          for (String item : items) {
            g.writeString(item);
          }
          g.writeEndArray();
        });
  }
}
