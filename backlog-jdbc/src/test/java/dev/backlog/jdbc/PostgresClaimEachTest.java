package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.Outcome;
import dev.backlog.core.spi.StoreTransaction;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The set-based claim of a coalesced batch on PostgreSQL: each batch runs through {@code claimEach}
 * on one fresh store and as one {@code claim} after the other in the same order on another, and
 * both must give the same cards, owners, leases, tokens, refusals and events (seqs and payloads). A
 * data source that counts the batched statement shows that the batch took the set-based path.
 */
class PostgresClaimEachTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

  /** Marks the batched statement's text (its unnest of per-request arrays). */
  private static final String BATCHED = "AS q (owner, ttl_micros";

  private final AtomicInteger batchedStatements = new AtomicInteger();

  @Test
  void ownersTtlsAndLeasePhasesOfOneBatchEachGetTheirOwnCards() {
    List<ClaimRequest> batch =
        List.of(
            ClaimRequest.builder("ann").ttl(Duration.ofSeconds(30)).build(),
            ClaimRequest.builder("bob")
                .ttl(Duration.ofMinutes(5))
                .limit(2)
                .leasePhase("build")
                .attributes(Map.of("host", "b1", "note", "quote \" and \\"))
                .build(),
            ClaimRequest.builder("cy \"é\"")
                .ttl(Duration.ofMillis(1500))
                .leasePhase("test")
                .build(),
            ClaimRequest.builder("dee").limit(3).attributes(Map.of("k", "v")).build());
    List<String> got = sameAsSequential(this::tenCards, batch, false);
    assertEquals(1, batchedStatements.get(), "one statement for the whole batch");
    assertEquals(List.of("ann:[P9]", "bob:[P8, P7]", "cy \"é\":[P6]", "dee:[P5, P4, P3]"), got);
  }

  @Test
  void laterRequestsInQueueOrderGetNothingWhenCardsRunOut() {
    List<ClaimRequest> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(ClaimRequest.builder("w" + i).limit(i == 1 ? 2 : 1).build());
    }
    List<String> got =
        sameAsSequential(
            tx -> {
              for (int i = 0; i < 4; i++) {
                tx.create(NewCard.builder("F" + i).title("f").priority(i % 2).build(), "setup");
              }
            },
            batch,
            false);
    assertEquals(1, batchedStatements.get());
    assertEquals(List.of("w0:[F1]", "w1:[F3, F0]", "w2:[F2]", "w3:[]", "w4:[]", "w5:[]"), got);
  }

  @Test
  void batchesClaimingMoreCardsThanTheStatementsWrittenForFixedTotalsBindTheTotal() {
    // Totals up to 32 are written into the statement's text; 20 + 15 + 10 is bound instead, and
    // the same batch behind an event that waits to be numbered takes the other statement.
    List<ClaimRequest> batch =
        List.of(
            ClaimRequest.builder("big").limit(20).build(),
            ClaimRequest.builder("mid").limit(15).leasePhase("build").build(),
            ClaimRequest.builder("small").limit(10).build());
    Consumer<StoreTransaction> fortyCards =
        tx -> {
          for (int i = 0; i < 40; i++) {
            tx.create(
                NewCard.builder(String.format("G%02d", i)).title("g").priority(i % 3).build(),
                "setup");
          }
        };
    for (boolean afterBufferedEvent : new boolean[] {false, true}) {
      batchedStatements.set(0);
      List<String> got = sameAsSequential(fortyCards, batch, afterBufferedEvent);
      assertEquals(1, batchedStatements.get());
      assertEquals(3, got.size());
      assertTrue(got.get(0).startsWith("big:[G"), got.toString());
      assertEquals(20, got.get(0).split(",").length, got.toString());
      assertEquals(15, got.get(1).split(",").length, got.toString());
      assertEquals(afterBufferedEvent ? 6 : 5, got.get(2).split(",").length, "the rest: " + got);
    }
  }

  @Test
  void mixedFiltersKeepQueueOrderAndRefuseOnlyTheUnknownCard() {
    List<ClaimRequest> batch =
        List.of(
            ClaimRequest.builder("a1").phase("build").build(),
            ClaimRequest.builder("a2").phase("build").build(),
            ClaimRequest.builder("any").limit(2).build(),
            ClaimRequest.builder("named").card(CardId.of("P0")).build(),
            ClaimRequest.builder("ghost").card(CardId.of("NOPE")).build(),
            ClaimRequest.builder("t1").phase("test").build(),
            ClaimRequest.builder("t2").phase("test").ttl(Duration.ofSeconds(9)).build(),
            ClaimRequest.builder("b3").phase("build").build(),
            ClaimRequest.builder("none").phase("deploy").build(),
            ClaimRequest.builder("none2").phase("deploy").build());
    List<String> got = sameAsSequential(this::tenCards, batch, false);
    // Runs of two or more with one filter: build×2, test×2, deploy×2.
    assertEquals(3, batchedStatements.get());
    assertEquals(
        List.of(
            "a1:[P8]",
            "a2:[P6]",
            "any:[P9, P7]",
            "named:[P0]",
            "ghost:refused CardNotFoundException",
            "t1:[P5]",
            "t2:[P3]",
            "b3:[P4]",
            "none:[]",
            "none2:[]"),
        got);
  }

  @Test
  void afterBufferedEventsTheBatchBuffersItsOwnInOrder() {
    List<ClaimRequest> batch =
        List.of(
            ClaimRequest.builder("x").limit(2).leasePhase("p").build(),
            ClaimRequest.builder("y").ttl(Duration.ofSeconds(20)).build(),
            ClaimRequest.builder("z").limit(2).build());
    List<String> got = sameAsSequential(this::tenCards, batch, true);
    assertEquals(1, batchedStatements.get());
    assertEquals(List.of("x:[P9, P8]", "y:[P7]", "z:[P6, P5]"), got);
  }

  /**
   * Ten cards P0..P9, priority = the number, phases build (even) and test (odd), all created at one
   * instant.
   */
  private void tenCards(StoreTransaction tx) {
    for (int i = 0; i < 10; i++) {
      tx.create(
          NewCard.builder("P" + i)
              .title("card " + i)
              .priority(i)
              .phase(i % 2 == 0 ? "build" : "test")
              .build(),
          "setup");
    }
  }

  /**
   * Runs the batch both ways on two fresh stores set up alike and checks they agree on everything;
   * returns the batch's outcomes as "owner:[cards]". With {@code afterBufferedEvent}, the batch's
   * transaction first creates a card, so the claims cannot write their events in their own
   * statement.
   */
  private List<String> sameAsSequential(
      Consumer<StoreTransaction> setup, List<ClaimRequest> batch, boolean afterBufferedEvent) {
    Function<StoreTransaction, List<Outcome<List<Claim>>>> together = tx -> tx.claimEach(batch);
    Function<StoreTransaction, List<Outcome<List<Claim>>>> oneByOne =
        tx -> {
          List<Outcome<List<Claim>>> out = new ArrayList<>();
          for (ClaimRequest r : batch) {
            try {
              out.add(Outcome.of(tx.claim(r)));
            } catch (CardNotFoundException e) {
              out.add(Outcome.refused(e));
            }
          }
          return out;
        };
    Run sequential = run(setup, oneByOne, afterBufferedEvent);
    int before = batchedStatements.get();
    Run batched = run(setup, together, afterBufferedEvent);
    batchedStatements.addAndGet(-before);
    assertEquals(sequential.outcomes(), batched.outcomes());
    assertEquals(sequential.events(), batched.events());
    long last = Long.MIN_VALUE;
    List<String> summary = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Outcome<List<Claim>> o = batched.raw().get(i);
      String owner = batch.get(i).owner();
      if (o.refusal() != null) {
        summary.add(owner + ":refused " + o.refusal().getClass().getSimpleName());
        assertInstanceOf(CardNotFoundException.class, o.refusal());
        continue;
      }
      List<String> ids = new ArrayList<>();
      for (Claim c : o.value()) {
        assertEquals(owner, c.lease().owner());
        assertEquals(T0.plus(batch.get(i).ttl()), c.lease().expiresAt());
        assertEquals(batch.get(i).leasePhase(), c.lease().phase());
        assertEquals(batch.get(i).attributes(), c.lease().attributes());
        assertTrue(c.token().value() > last, "tokens increase in queue and claim order");
        last = c.token().value();
        ids.add(c.card().id().value());
      }
      summary.add(owner + ":" + ids);
    }
    return summary;
  }

  private record Run(List<Outcome<List<Claim>>> raw, List<String> outcomes, List<String> events) {}

  private Run run(
      Consumer<StoreTransaction> setup,
      Function<StoreTransaction, List<Outcome<List<Claim>>>> claims,
      boolean afterBufferedEvent) {
    try (JdbcBacklogStore store =
        JdbcBacklogStore.builder()
            .dataSource(
                TestDataSources.counting(TestPostgres.freshSchemaUrl(), BATCHED, batchedStatements))
            .clock(InstantSource.fixed(T0))
            .build()) {
      store.inTransaction(
          tx -> {
            setup.accept(tx);
            return null;
          });
      List<Outcome<List<Claim>>> raw =
          store.inTransaction(
              tx -> {
                if (afterBufferedEvent) {
                  tx.create(NewCard.builder("LATE").title("late").build(), "setup");
                }
                return claims.apply(tx);
              });
      List<String> outcomes = new ArrayList<>();
      for (Outcome<List<Claim>> o : raw) {
        if (o.refusal() != null) {
          outcomes.add(o.refusal().getClass().getName() + ": " + o.refusal().getMessage());
        } else {
          outcomes.add(o.value().toString());
        }
      }
      List<String> events = new ArrayList<>();
      for (Event e : store.inTransaction(tx -> tx.events(EventQuery.after(0, 1_000)))) {
        events.add(e.toString());
      }
      return new Run(raw, outcomes, events);
    }
  }
}
