package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.memory.InMemoryBacklogStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NothingClaimable}: what a claim that found nothing says, for each kind of claim. */
class NothingClaimableTest {

  private Backlog backlog;

  @BeforeEach
  void open() {
    backlog = Backlog.builder().store(new InMemoryBacklogStore(InstantSource.system())).build();
  }

  @AfterEach
  void close() {
    backlog.close();
  }

  private void create(String id, String phase, String... dependsOn) {
    backlog.create(
        NewCard.builder(id).title(id).phase(phase).dependsOn(List.of(dependsOn)).build());
  }

  private String whyNothing(ClaimRequest request) {
    assertTrue(backlog.claim(request).isEmpty(), "the claim finds nothing");
    return NothingClaimable.describe(backlog, request);
  }

  @Test
  void anEmptyBacklogSaysSo() {
    assertEquals(
        "nothing claimable: the backlog has no cards; create some first",
        whyNothing(ClaimRequest.builder("w").build()));
  }

  @Test
  void aClaimOfAnyCardSaysWhatTheCardsAreDoingInstead() {
    create("A", "build");
    create("B", "build", "A");
    create("C", "build", "A");
    create("D", "test");
    create("E", "test");
    backlog.deferFor(CardId.of("D"), Duration.ofHours(1));
    backlog.block(CardId.of("E"), "waiting on counsel");
    backlog.claim(ClaimRequest.builder("w").build());
    assertEquals(
        "nothing claimable: 2 cards wait for their dependencies, 1 is deferred, 1 is claimed,"
            + " 1 is blocked",
        whyNothing(ClaimRequest.builder("w").build()));
  }

  @Test
  void whenEverythingIsDoneTheCountSaysSo() {
    create("A", null);
    backlog.forceComplete(CardId.of("A"));
    assertEquals(
        "nothing claimable: 1 card is done", whyNothing(ClaimRequest.builder("w").build()));
  }

  @Test
  void aClaimInAPhaseCountsThatPhase() {
    create("A", "build");
    create("B", "build", "A");
    backlog.claim(ClaimRequest.builder("w").phase("build").build());
    assertEquals(
        "nothing claimable in phase build: 1 card is ready but deferred or waiting for its"
            + " dependencies, 1 is claimed",
        whyNothing(ClaimRequest.builder("w").phase("build").build()));
    assertEquals(
        "nothing claimable in phase ship: no card has this phase",
        whyNothing(ClaimRequest.builder("w").phase("ship").build()));
  }

  @Test
  void aCardThatBecameClaimableAfterTheClaimIsSaidToBe() {
    create("A", null);
    ClaimRequest request = ClaimRequest.builder("w").build();
    assertEquals(
        "nothing claimable when the claim ran; 1 card is claimable now; claim again",
        NothingClaimable.describe(backlog, request),
        "as when a card turns claimable between the claim and the description");
    assertEquals(
        "nothing claimable: A became claimable just now; claim again",
        NothingClaimable.describe(backlog, ClaimRequest.builder("w").card(CardId.of("A")).build()));
  }

  @Test
  void aBacklogThatCannotBeReadIsSaidToBeSo() {
    // Operations whose every read fails as a store that went away does.
    BacklogOperations unreadable =
        (BacklogOperations)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {BacklogOperations.class},
                (proxy, method, args) -> {
                  throw new StoreUnavailableException("the database went away", null);
                });
    assertEquals(
        "nothing claimable (why could not be read: the database went away)",
        NothingClaimable.describe(unreadable, ClaimRequest.builder("w").build()));
  }

  @Test
  void aClaimOfOneCardSaysWhatHoldsItBack() {
    create("A", null);
    create("B", null, "A");
    assertEquals(
        "nothing claimable: B waits for A, which is ready",
        whyNothing(ClaimRequest.builder("w").card(CardId.of("B")).build()));
  }
}
