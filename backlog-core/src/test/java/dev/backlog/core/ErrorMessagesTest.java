package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The messages of the core's refusals, as a person reads them. */
class ErrorMessagesTest {

  @Test
  void unknownDependenciesAreListedPlainly() {
    assertEquals(
        "card A depends on Z, which does not exist; create it first (or in the same transaction),"
            + " or drop the dependency",
        new UnknownDependencyException(CardId.of("A"), Set.of(CardId.of("Z"))).getMessage());
    assertEquals(
        "card A depends on X, Y, which do not exist; create them first (or in the same"
            + " transaction), or drop the dependency",
        new UnknownDependencyException(CardId.of("A"), Set.of(CardId.of("Y"), CardId.of("X")))
            .getMessage());
  }

  @Test
  void aCycleNamesItsLinksAndALinkToItselfSaysSo() {
    assertEquals(
        "dependency cycle A -> B -> A; remove one of these links (a card cannot wait for itself)",
        new DependencyCycleException(List.of(CardId.of("A"), CardId.of("B"), CardId.of("A")))
            .getMessage());
    assertEquals(
        "card A cannot depend on itself; link it to another card",
        new DependencyCycleException(List.of(CardId.of("A"), CardId.of("A"))).getMessage());
  }
}
