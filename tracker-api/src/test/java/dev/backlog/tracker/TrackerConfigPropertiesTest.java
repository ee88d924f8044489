package dev.backlog.tracker;

import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TrackerConfigPropertiesTest {

  private static final Path FILE = Path.of("/project/.backlog/config.json");
  private static final Path HOME = Path.of("/home/u/.backlog");

  @Provide
  Arbitrary<String> configTexts() {
    Arbitrary<String> tokens =
        Arbitraries.of(
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"tracker\"",
            "\"provider\"",
            "\"local\"",
            "\"github\"",
            "\"x\"",
            "1",
            "null",
            "true",
            " ",
            "\"",
            "\\",
            "\"local\":",
            "{\"tracker\":",
            "\"Local\"");
    return tokens.list().ofMaxSize(14).map(list -> String.join("", list));
  }

  @Property(tries = 400)
  void anyTextEitherParsesOrFailsWithAConfigErrorNamingTheFile(@ForAll("configTexts") String text) {
    try {
      TrackerConfig config = TrackerConfigLoader.parse(text, FILE, Path.of("/project"), HOME);
      if (!config.provider().matches("[a-z][a-z0-9-]*")) {
        throw new AssertionError(
            "parsed an invalid provider id '" + config.provider() + "' from " + text);
      }
    } catch (TrackerConfigException e) {
      if (!e.getMessage().startsWith(FILE + ": field '") || e.field().isBlank()) {
        throw new AssertionError("error does not name the file and field: " + e.getMessage(), e);
      }
    }
  }
}
