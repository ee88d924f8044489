package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Card;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.EventType;
import dev.backlog.core.NewCard;
import dev.backlog.core.UnknownDependencyException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dependency DAG: unfinished dependencies gate the claim, link and unlink, cycles refused
 * naming their path, unknown dependencies refused, and forward references inside one transaction.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class DagContract extends ContractGroup {

  DagContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void aCardWithAnUnfinishedDependencyIsNeitherClaimableNorListedAsClaimable() {
    create("dep");
    createDependent("main", "dep");
    Claim first = claim("w").orElseThrow();
    assertEquals(id("dep"), first.card().id());
    assertTrue(claim("w").isEmpty(), "main must wait while dep is claimed");
    assertFalse(claimable().contains("main"));
    backlog.complete(id("dep"), first.token());
    assertEquals(List.of("main"), claimable());
    assertEquals(id("main"), claim("w").orElseThrow().card().id());
  }

  @Test
  void completingTheLastOfSeveralDependenciesUnlocksTheDependent() {
    create("a");
    create("b");
    createDependent("main", "a", "b");
    backlog.forceComplete(id("a"));
    assertEquals(List.of("b"), claimable());
    Claim b = claimCard("w", "b");
    assertEquals(List.of(), claimable());
    backlog.complete(id("b"), b.token());
    assertEquals(List.of("main"), claimable());
  }

  @Test
  void linkAddsADependencyThatGatesTheClaim() {
    create("a", 9);
    create("b", 1);
    Card linked = backlog.link(id("a"), id("b"));
    assertEquals(Set.of(id("b")), linked.dependsOn());
    assertEquals(linked, card("a"));
    assertEquals(2, linked.version());
    assertEquals(id("b"), claim("w").orElseThrow().card().id());
    assertTrue(claim("w").isEmpty());
  }

  @Test
  void aRepeatedLinkIsANoOpWithoutAnEvent() {
    create("a");
    create("b");
    Card first = backlog.link(id("a"), id("b"));
    Card again = backlog.link(id("a"), id("b"));
    assertEquals(first, again);
    assertEquals(List.of(EventType.CREATED, EventType.CREATED, EventType.LINKED), eventTypes());
  }

  @Test
  void unlinkRemovesADependencyAndUnlinkingAMissingEdgeChangesNothing() {
    create("a");
    create("b");
    backlog.link(id("a"), id("b"));
    Card unlinked = backlog.unlink(id("a"), id("b"));
    assertTrue(unlinked.dependsOn().isEmpty());
    assertEquals(List.of("a", "b"), claimable());
    Card again = backlog.unlink(id("a"), id("b"));
    assertEquals(unlinked, again);
    assertEquals(
        List.of(EventType.CREATED, EventType.CREATED, EventType.LINKED, EventType.UNLINKED),
        eventTypes());
  }

  @Test
  void aSelfLinkIsRefusedAsACycle() {
    create("a");
    DependencyCycleException e =
        assertRefusedWithoutChange(
            DependencyCycleException.class, () -> backlog.link(id("a"), id("a")));
    assertEquals(List.of(id("a"), id("a")), e.path());
  }

  @Test
  void aLinkClosingATwoCycleIsRefusedNamingThePath() {
    create("a");
    create("b");
    backlog.link(id("a"), id("b"));
    DependencyCycleException e =
        assertRefusedWithoutChange(
            DependencyCycleException.class, () -> backlog.link(id("b"), id("a")));
    assertEquals(List.of(id("b"), id("a"), id("b")), e.path());
    assertTrue(e.getMessage().contains("b -> a -> b"), e.getMessage());
  }

  @Test
  void aLinkClosingAThreeCycleIsRefusedNamingThePath() {
    create("a");
    create("b");
    create("c");
    backlog.link(id("a"), id("b"));
    backlog.link(id("b"), id("c"));
    DependencyCycleException e =
        assertRefusedWithoutChange(
            DependencyCycleException.class, () -> backlog.link(id("c"), id("a")));
    assertEquals(List.of(id("c"), id("a"), id("b"), id("c")), e.path());
  }

  @Test
  void aCreateThatDependsOnItselfIsRefusedAsACycle() {
    DependencyCycleException e =
        assertRefusedWithoutChange(DependencyCycleException.class, () -> createDependent("a", "a"));
    assertEquals(List.of(id("a"), id("a")), e.path());
  }

  @Test
  void aCreateClosingACycleThroughAForwardReferenceIsRefusedNamingThePath() {
    DependencyCycleException e =
        assertRefusedWithoutChange(
            DependencyCycleException.class,
            () ->
                backlog.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder("a").title("a").dependsOn("b").build());
                      tx.create(NewCard.builder("b").title("b").dependsOn("c").build());
                      return tx.create(NewCard.builder("c").title("c").dependsOn("a").build());
                    }));
    assertEquals(List.of(id("c"), id("a"), id("b"), id("c")), e.path());
    assertTrue(backlog.list(CardQuery.ALL).isEmpty(), "the whole transaction must roll back");
  }

  @Test
  void aCreateClosingATwoCycleThroughAForwardReferenceIsRefusedNamingThePath() {
    DependencyCycleException e =
        assertRefusedWithoutChange(
            DependencyCycleException.class,
            () ->
                backlog.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder("a").title("a").dependsOn("b").build());
                      return tx.create(NewCard.builder("b").title("b").dependsOn("a").build());
                    }));
    assertEquals(List.of(id("b"), id("a"), id("b")), e.path());
  }

  @Test
  void aLinkToAnUnknownCardIsRefusedAndALinkFromAnUnknownCardIsNotFound() {
    create("a");
    UnknownDependencyException e =
        assertRefusedWithoutChange(
            UnknownDependencyException.class, () -> backlog.link(id("a"), id("ghost")));
    assertEquals(id("a"), e.card());
    assertEquals(Set.of(id("ghost")), e.missing());
    assertRefusedWithoutChange(
        CardNotFoundException.class, () -> backlog.link(id("ghost"), id("a")));
  }

  @Test
  void aCreateWithAnUnknownDependencyIsRefusedAndLeavesNoTrace() {
    create("a");
    UnknownDependencyException e =
        assertRefusedWithoutChange(
            UnknownDependencyException.class, () -> createDependent("b", "a", "ghost"));
    assertEquals(id("b"), e.card());
    assertEquals(Set.of(id("ghost")), e.missing());
    assertTrue(backlog.find(id("b")).isEmpty());
  }

  @Test
  void aCardMayDependOnACardCreatedLaterInTheSameTransaction() {
    List<Card> created =
        backlog.inTransaction(
            tx ->
                List.of(
                    tx.create(NewCard.builder("a").title("a").dependsOn("b").build()),
                    tx.create(NewCard.builder("b").title("b").build())));
    assertEquals(2, created.size());
    assertEquals(Set.of(id("b")), card("a").dependsOn());
    assertEquals(List.of("b"), claimable());
  }

  @Test
  void anUnknownDependencyFoundAtCommitRollsBackTheWholeTransaction() {
    create("x");
    int eventsBefore = allEvents().size();
    UnknownDependencyException e =
        assertThrows(
            UnknownDependencyException.class,
            () ->
                backlog.inTransaction(
                    tx -> {
                      tx.create(NewCard.builder("a").title("a").dependsOn("b").build());
                      tx.create(NewCard.builder("c").title("c").build());
                      tx.forceComplete(id("x"));
                      return null;
                    }));
    assertEquals(id("a"), e.card());
    assertEquals(Set.of(id("b")), e.missing());
    assertEquals(List.of("x"), ids(backlog.list(CardQuery.ALL)));
    assertEquals(CardStatus.READY, card("x").status());
    assertEquals(eventsBefore, allEvents().size());
  }
}
