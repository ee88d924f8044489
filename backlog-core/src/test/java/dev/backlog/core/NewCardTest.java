package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class NewCardTest {

  private static List<String> fields(InvalidInputException e) {
    return e.violations().stream().map(Violation::field).toList();
  }

  private static NewCard.Builder valid() {
    return NewCard.builder("A1").title("Write the parser");
  }

  @Test
  void aMinimalCardHasOnlyIdAndTitle() {
    NewCard card = valid().build();
    assertEquals(CardId.of("A1"), card.id());
    assertEquals("Write the parser", card.title());
    assertNull(card.body());
    assertNull(card.phase());
    assertEquals(0, card.priority());
    assertTrue(card.dependsOn().isEmpty());
    assertNull(card.acceptance());
    assertNull(card.idempotencyKey());
    assertNull(card.maxAttempts());
    assertEquals(false, card.blocked());
  }

  @Test
  void everyViolationIsListedAtOnceInFieldOrder() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                NewCard.builder("../x")
                    .title(" ")
                    .phase("")
                    .dependsOn("ok", "bad/dep")
                    .acceptance("[1,")
                    .idempotencyKey(" ")
                    .maxAttempts(0)
                    .build());
    assertEquals(
        List.of("id", "dependsOn", "title", "phase", "idempotencyKey", "maxAttempts", "acceptance"),
        fields(e));
    assertTrue(e.getMessage().startsWith("7 problems: "), e.getMessage());
  }

  @Test
  void eachMessageNamesTheValueAndTheFix() {
    record Case(UnaryOperator<NewCard.Builder> change, String field, String text) {}
    List<Case> cases =
        List.of(
            new Case(b -> b.title(null), "title", "title is required and must not be blank"),
            new Case(
                b -> b.title("t".repeat(501)),
                "title",
                "title has 501 characters; at most 500 are allowed"),
            new Case(
                b -> b.title("a\u0000b"),
                "title",
                "control character U+0000 at position 2; remove it"),
            new Case(
                b -> b.body("b".repeat(NewCard.MAX_BODY + 1)),
                "body",
                "at most 100000 are allowed"),
            new Case(b -> b.phase(" "), "phase", "phase is blank; leave it out or name a lane"),
            new Case(b -> b.phase("p".repeat(65)), "phase", "phase has 65 characters; at most 64"),
            new Case(
                b -> b.maxAttempts(-1),
                "maxAttempts",
                "maxAttempts -1 is out of range; use 1 to 1000"),
            new Case(b -> b.maxAttempts(1001), "maxAttempts", "maxAttempts 1001 is out of range"),
            new Case(b -> b.idempotencyKey(""), "idempotencyKey", "idempotencyKey is blank"),
            new Case(b -> b.idempotencyKey("k".repeat(201)), "idempotencyKey", "at most 200"),
            new Case(
                b -> b.acceptance("{\"a\":}"),
                "acceptance",
                "acceptance is not valid JSON (unexpected character '}' at character 6): '{\"a\":}'"),
            new Case(
                b -> b.acceptance("42"),
                "acceptance",
                "must be a JSON array of criteria or a JSON object, not '42'"),
            new Case(b -> b.dependsOn("x".repeat(129)), "dependsOn", "dependency: card id"),
            new Case(
                b -> b.blocked(false).blocked("why").blocked(false),
                "blockedReason",
                "blockedReason is set but the card is not created blocked"));
    for (Case c : cases) {
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class, () -> c.change().apply(valid()).build(), c.text());
      assertEquals(List.of(c.field()), fields(e), c.text());
      assertTrue(
          e.getMessage().contains(c.text()),
          () -> "expected '" + c.text() + "' in: " + e.getMessage());
    }
  }

  @Test
  void tooManyDependenciesAreRefused() {
    List<String> deps =
        java.util.stream.IntStream.rangeClosed(0, NewCard.MAX_DEPENDENCIES)
            .mapToObj(i -> "d" + i)
            .toList();
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> valid().dependsOn(deps).build());
    assertTrue(
        e.getMessage().contains("card names 1001 dependencies; at most 1000"), e.getMessage());
  }

  @Test
  void acceptanceIsStoredCompactAndCriteriaListsBecomeJsonArrays() {
    assertEquals(
        "{\"tests\":[1,2]}",
        valid().acceptance(" { \"tests\" : [ 1 , 2 ] } ").build().acceptance());
    assertEquals(
        "[\"tests pass\",\"docs \\\"updated\\\"\"]",
        valid().acceptanceCriteria(List.of("tests pass", "docs \"updated\"")).build().acceptance());
  }

  @Test
  void dependenciesAreSortedAndDeduplicatedAndMayMixIdsAndText() {
    NewCard card = valid().dependsOn("b", "a").dependsOn(List.of(CardId.of("c"), "a")).build();
    assertEquals(List.of("a", "b", "c"), card.dependsOn().stream().map(CardId::value).toList());
  }

  @Test
  void aBlockedCardMayCarryAReason() {
    NewCard card = valid().blocked("waiting for review").build();
    assertTrue(card.blocked());
    assertEquals("waiting for review", card.blockedReason());
    assertTrue(valid().blocked(true).build().blocked());
  }

  @Test
  void theFingerprintIsEqualForEqualContentAndDiffersForAnyChangedField() {
    String base = valid().idempotencyKey("k").build().fingerprint();
    assertEquals(base, valid().idempotencyKey("k").build().fingerprint());
    List<NewCard> changed =
        List.of(
            NewCard.builder("A2").title("Write the parser").idempotencyKey("k").build(),
            valid().title("Write the lexer").idempotencyKey("k").build(),
            valid().body("").idempotencyKey("k").build(),
            valid().phase("M1").idempotencyKey("k").build(),
            valid().priority(1).idempotencyKey("k").build(),
            valid().dependsOn("Z").idempotencyKey("k").build(),
            valid().acceptance("[]").idempotencyKey("k").build(),
            valid().idempotencyKey("k2").build(),
            valid().maxAttempts(3).idempotencyKey("k").build(),
            valid().blocked(true).idempotencyKey("k").build());
    Set<String> prints = new java.util.HashSet<>();
    for (NewCard card : changed) {
      assertNotEquals(base, card.fingerprint(), card::toString);
      prints.add(card.fingerprint());
    }
    assertEquals(changed.size(), prints.size(), "every change gives its own fingerprint");
    assertNotEquals(
        valid().title("a;b").body("c").build().fingerprint(),
        valid().title("a").body(";b;c").build().fingerprint(),
        "field boundaries are part of the fingerprint");
  }
}
