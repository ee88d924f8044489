package dev.backlog.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class JsonTextTest {

  /** A generated JSON value, rendered by this test (not by JsonText). */
  sealed interface Node permits Scalar, Arr, Obj {}

  record Scalar(String literal) implements Node {}

  record Arr(List<Node> items) implements Node {}

  record Member(String name, Node value) {}

  record Obj(List<Member> members) implements Node {}

  private static final Pattern POSITION = Pattern.compile("at character (\\d+)$");

  private static String compact(Node node) {
    StringBuilder sb = new StringBuilder();
    render(node, sb, null);
    return sb.toString();
  }

  private static String spaced(Node node, Random random) {
    StringBuilder sb = new StringBuilder();
    space(sb, random);
    render(node, sb, random);
    space(sb, random);
    return sb.toString();
  }

  private static void space(StringBuilder sb, Random random) {
    if (random == null) {
      return;
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      sb.append(" \t\n\r".charAt(random.nextInt(4)));
    }
  }

  private static void render(Node node, StringBuilder sb, Random random) {
    if (node instanceof Scalar s) {
      sb.append(s.literal());
    } else if (node instanceof Arr a) {
      sb.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          space(sb, random);
          sb.append(',');
        }
        space(sb, random);
        render(a.items().get(i), sb, random);
      }
      space(sb, random);
      sb.append(']');
    } else if (node instanceof Obj o) {
      sb.append('{');
      for (int i = 0; i < o.members().size(); i++) {
        if (i > 0) {
          space(sb, random);
          sb.append(',');
        }
        space(sb, random);
        sb.append(o.members().get(i).name());
        space(sb, random);
        sb.append(':');
        space(sb, random);
        render(o.members().get(i).value(), sb, random);
      }
      space(sb, random);
      sb.append('}');
    }
  }

  /** String literals with plain characters, every short escape and \\u escapes. */
  private static Arbitrary<String> stringLiteral() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange(' ', '~').excludeChars('"', '\\').ofMaxLength(4),
            Arbitraries.strings().withCharRange('\u00a0', '\uffff').ofMaxLength(2),
            Arbitraries.of(
                "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u20AC",
                "\\uD83D"));
    return piece.list().ofMaxSize(5).map(parts -> "\"" + String.join("", parts) + "\"");
  }

  private static Arbitrary<String> numberLiteral() {
    Arbitrary<String> integer =
        Arbitraries.oneOf(
            Arbitraries.just("0"),
            Arbitraries.integers().between(1, 1_000_000).map(String::valueOf));
    Arbitrary<String> fraction =
        Arbitraries.strings()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(4)
            .map(d -> "." + d)
            .injectNull(0.5)
            .map(f -> f == null ? "" : f);
    Arbitrary<String> exponent =
        Combinators.combine(
                Arbitraries.of("e", "E"),
                Arbitraries.of("", "+", "-"),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(3))
            .as((e, s, d) -> e + s + d)
            .injectNull(0.6)
            .map(x -> x == null ? "" : x);
    return Combinators.combine(Arbitraries.of("", "-"), integer, fraction, exponent)
        .as((m, i, f, e) -> m + i + f + e);
  }

  private static Arbitrary<Node> scalar() {
    return Arbitraries.oneOf(
            stringLiteral(), numberLiteral(), Arbitraries.of("true", "false", "null"))
        .map(Scalar::new);
  }

  private static Arbitrary<Node> value(int depth) {
    return depth == 0 ? scalar() : Arbitraries.oneOf(scalar(), container(depth));
  }

  private static Arbitrary<Node> container(int depth) {
    Arbitrary<Node> inner = Arbitraries.lazy(() -> value(depth - 1));
    Arbitrary<Node> array = inner.list().ofMaxSize(4).map(Arr::new);
    Arbitrary<Node> object =
        Combinators.combine(stringLiteral(), inner)
            .as(Member::new)
            .list()
            .ofMaxSize(4)
            .map(Obj::new);
    return Arbitraries.oneOf(array, object);
  }

  @Provide
  Arbitrary<Node> json() {
    return value(3);
  }

  @Provide
  Arbitrary<Node> containers() {
    return container(3);
  }

  private static int position(IllegalArgumentException e) {
    Matcher m = POSITION.matcher(e.getMessage());
    assertTrue(m.find(), () -> "the error must end with its position: " + e.getMessage());
    return Integer.parseInt(m.group(1));
  }

  @Property
  void validJsonWithAnyWhitespaceCompactsToTheCanonicalText(
      @ForAll("json") Node node, @ForAll Random random) {
    String expected = compact(node);
    assertEquals(expected, JsonText.compact(spaced(node, random)));
    assertEquals(expected, JsonText.compact(expected), "compacting is idempotent");
  }

  @Property
  void everyProperPrefixOfAnArrayOrObjectIsRejectedWithAPositionInsideIt(
      @ForAll("containers") Node node, @ForAll @IntRange(min = 1, max = 10_000) int cut) {
    String text = compact(node);
    String prefix = text.substring(0, 1 + cut % (text.length() - 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JsonText.compact(prefix));
    int at = position(e);
    assertTrue(
        at >= 1 && at <= prefix.length() + 1, () -> "position " + at + " outside '" + prefix + "'");
  }

  @Property
  void textAfterAValidValueIsRejectedAtTheFirstExtraCharacter(
      @ForAll("json") Node node, @ForAll("junk") String junk) {
    String text = compact(node);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JsonText.compact(text + junk));
    int leadingSpace = junk.length() - junk.stripLeading().length();
    assertEquals(text.length() + leadingSpace + 1, position(e), e.getMessage());
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.of("x", "}", "]", ",", ":", "\"", "[]", "{}", " x");
  }

  @Property
  void arbitraryTextIsEitherCanonicalizedOrRejectedWithAPosition(@ForAll("jsonish") String text) {
    try {
      String compact = JsonText.compact(text);
      assertEquals(compact, JsonText.compact(compact), "compacting is idempotent");
      assertTrue(compact.length() <= text.length());
    } catch (IllegalArgumentException e) {
      int at = position(e);
      assertTrue(
          at >= 1 && at <= text.length() + 1, () -> "position " + at + " outside '" + text + "'");
    }
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings()
        .withChars("{}[]\",:0123456789-+.eEtrufalsn \\u\t\n")
        .ofMaxLength(30);
  }

  @Example
  void knownGarbageIsRejectedWithTheProblemAndItsPosition() {
    record Case(String text, String problem, int at) {}
    List<Case> cases =
        new ArrayList<>(
            List.of(
                new Case("", "ends where a value was expected", 1),
                new Case("[1,]", "unexpected character ']'", 4),
                new Case("{\"a\" 1}", "expected ':'", 6),
                new Case("{a:1}", "member name in double quotes", 2),
                new Case("[01]", "expected ',' or ']'", 3),
                new Case("-", "a number needs digits", 2),
                new Case("1.", "decimal point needs digits", 3),
                new Case("1e", "exponent needs digits", 3),
                new Case("tru", "expected true", 1),
                new Case("\"a\\x\"", "unknown escape", 4),
                new Case("\"\\u12g4\"", "four hex digits", 3),
                new Case("\"abc", "not closed", 5),
                new Case("\"a\u0001\"", "control character", 3),
                new Case("[1] [2]", "unexpected text after the JSON value", 5)));
    for (Case c : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> JsonText.compact(c.text()), c.text());
      assertTrue(e.getMessage().contains(c.problem()), () -> c.text() + " -> " + e.getMessage());
      assertEquals(c.at(), position(e), () -> c.text() + " -> " + e.getMessage());
    }
  }

  @Example
  void nestingDeeperThanSixtyFourLevelsIsRejected() {
    assertEquals(
        "[".repeat(64) + "]".repeat(64), JsonText.compact("[".repeat(64) + "]".repeat(64)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JsonText.compact("[".repeat(70) + "]".repeat(70)));
    assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
  }

  @Property
  void quotedStringsParseBackAsOneStringLiteral(@ForAll String value) {
    String quoted = JsonText.quote(value);
    assertEquals(quoted, JsonText.compact(quoted));
    assertEquals(JsonText.kind(quoted), '"');
  }

  @Example
  void arraysOfCriteriaAreRenderedAsCompactJson() {
    assertEquals("[\"a\",\"b \\\"c\\\"\"]", JsonText.array(List.of("a", "b \"c\"")));
    assertEquals("[]", JsonText.array(List.of()));
    assertEquals('[', JsonText.kind("[]"));
    assertEquals(0, JsonText.kind(""));
  }

  @Example
  void controlCharactersAreEscapedWhenQuoting() {
    assertEquals("\"a\\nb\\tc\\u0001\\\\\"", JsonText.quote("a\nb\tc\u0001\\"));
  }
}
