package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CardIdTest {

  @Provide
  Arbitrary<String> validIds() {
    Arbitrary<Character> first =
        Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9');
    Arbitrary<String> rest =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('A', 'Z')
            .withCharRange('0', '9')
            .withChars('.', '_', ':', '-')
            .ofMaxLength(CardId.MAX_LENGTH - 1);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Property
  void everyIdOfTheDocumentedShapeIsAccepted(@ForAll("validIds") String value) {
    assertEquals(value, CardId.of(value).value());
    assertTrue(CardId.problem(value).isEmpty());
    assertEquals(value, CardId.of(value).toString());
  }

  @Property
  void anIdWithAnyCharacterOutsideTheAlphabetIsRefused(
      @ForAll("validIds") String valid, @ForAll char bad) {
    if (Character.isLetterOrDigit(bad) && bad < 128 || ".-_:".indexOf(bad) >= 0) {
      return;
    }
    String value = valid.length() >= CardId.MAX_LENGTH ? valid.substring(1) + bad : valid + bad;
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> CardId.of(value));
    assertEquals("id", e.violations().get(0).field());
    assertTrue(e.getMessage().contains("[A-Za-z0-9._:-]"), e.getMessage());
  }

  @Example
  void pathTraversalLeadingPunctuationAndBlanksAreRefusedNamingTheValue() {
    for (String bad : List.of("../x", "a/b", "a\\b", ".hidden", "-flag", "_x", ":x", "a b", "ü")) {
      InvalidInputException e =
          assertThrows(InvalidInputException.class, () -> CardId.of(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("starting with a letter or digit"), e.getMessage());
    }
  }

  @Example
  void anEmptyIdIsRefusedSayingHowLongAnIdMayBe() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> CardId.of(""));
    assertTrue(
        e.getMessage().contains("empty") && e.getMessage().contains("1 to 128"), e.getMessage());
  }

  @Example
  void anIdLongerThan128CharactersIsRefusedWithItsLengthAndAnAbbreviatedValue() {
    assertEquals(128, CardId.of("x".repeat(128)).value().length());
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> CardId.of("y".repeat(200)));
    assertTrue(e.getMessage().contains("has 200 characters; at most 128"), e.getMessage());
    assertTrue(e.getMessage().contains("y".repeat(37) + "..."), e.getMessage());
    assertTrue(!e.getMessage().contains("y".repeat(41)), "long values are abbreviated in messages");
  }

  @Example
  void controlCharactersAreShownAsQuestionMarks() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> CardId.of("a\u0007b"));
    assertTrue(e.getMessage().contains("'a?b'"), e.getMessage());
  }

  @Example
  void idsCompareByTheirText() {
    assertTrue(CardId.of("a10").compareTo(CardId.of("a9")) < 0);
    assertEquals(0, CardId.of("A").compareTo(CardId.of("A")));
    assertEquals(CardId.of("x"), new CardId("x"));
  }
}
