package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.EventQuery;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.Outcome;
import dev.backlog.core.spi.StoreTransaction;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The set-based completion of a coalesced batch on PostgreSQL: each batch runs through {@code
 * completeEach} on one fresh store and as one {@code complete} after the other on another, and both
 * must agree on every outcome (refusals included), every card, every event (seqs and payloads),
 * every run and the status counts. A data source that counts the batched statement shows that the
 * batch took the set-based path.
 */
class PostgresCompleteEachTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

  /** Marks the batched statement's text (its unnest of per-item arrays). */
  private static final String BATCHED = "AS i (id, token, evidence, data, ord)";

  /** The card the set-up never claims. */
  private static final String UNCLAIMED = "G";

  private final AtomicInteger batchedStatements = new AtomicInteger();

  @Test
  void heldLeasesCompleteTogetherAndEveryOtherItemGetsItsOwnRefusal() {
    Map<String, String> got =
        sameAsSequential(
            tx -> {
              for (String id : List.of("A", "B", "C", "D", "E")) {
                tx.create(NewCard.builder(id).title(id).phase("build").build(), "setup");
              }
              tx.create(NewCard.builder("F").title("F").dependsOn("E").build(), "setup");
              tx.create(NewCard.builder("G").title("G").build(), "setup");
            },
            claims -> {
              List<Completion> batch = new ArrayList<>();
              batch.add(done(claims, "A", null));
              // A stale token, a lapsed lease, a card that does not exist, one never claimed.
              batch.add(
                  new Completion(CardId.of("B"), LeaseToken.of(token(claims, "B") + 1000), null));
              batch.add(done(claims, "C", null));
              batch.add(new Completion(CardId.of("NOPE"), LeaseToken.of(1), null));
              batch.add(done(claims, "D", "{\"tests\":\"42 passed\"}"));
              batch.add(done(claims, "E", null));
              batch.add(new Completion(CardId.of("G"), LeaseToken.of(1), null));
              return batch;
            },
            "C");
    assertEquals(1, batchedStatements.get(), "one batched statement");
    assertEquals("done", got.get("A"));
    assertEquals("LeaseLostException", got.get("B"));
    assertEquals("LeaseLostException", got.get("C"), "its lease lapsed");
    assertEquals("CardNotFoundException", got.get("NOPE"));
    assertEquals("done", got.get("D"));
    assertEquals("done", got.get("E"));
    assertEquals("LeaseLostException", got.get("G"), "never claimed");
  }

  @Test
  void aBatchWhoseCardsDependOnEachOtherCompletesCardByCard() {
    Map<String, String> got =
        sameAsSequential(
            tx -> {
              for (String id : List.of("X", "Y", "Z")) {
                tx.create(NewCard.builder(id).title(id).build(), "setup");
              }
            },
            claims ->
                List.of(done(claims, "X", null), done(claims, "Y", null), done(claims, "Z", null)),
            null,
            // Linked after the claims, so X (claimed) now waits for Y, which the batch also
            // completes.
            tx -> tx.link(CardId.of("X"), CardId.of("Y"), "setup"));
    assertEquals(Map.of("X", "done", "Y", "done", "Z", "done"), got);
  }

  /** Carries what a probe saw out of the transaction it rolls back. */
  private static final class Probe extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Probe(String seen) {
      super(seen, null, false, false);
    }
  }

  private static Completion done(List<Claim> claims, String id, String evidence) {
    return new Completion(CardId.of(id), LeaseToken.of(token(claims, id)), evidence);
  }

  private static long token(List<Claim> claims, String id) {
    return claims.stream()
        .filter(c -> c.card().id().value().equals(id))
        .findFirst()
        .orElseThrow()
        .token()
        .value();
  }

  private Map<String, String> sameAsSequential(
      Consumer<StoreTransaction> setup,
      Function<List<Claim>, List<Completion>> batchOf,
      String lapsed) {
    return sameAsSequential(setup, batchOf, lapsed, tx -> {});
  }

  /**
   * Sets up two stores alike (cards, a claim of every ready card but G with a 15-minute lease, or a
   * 30-second one for {@code lapsed}, then {@code afterClaims}), moves their clocks a minute on,
   * runs the batch both ways, and checks that they agree on everything; returns each item's outcome
   * ("done" or the refusal's class).
   */
  private Map<String, String> sameAsSequential(
      Consumer<StoreTransaction> setup,
      Function<List<Claim>, List<Completion>> batchOf,
      String lapsed,
      Consumer<StoreTransaction> afterClaims) {
    Function<StoreTransaction, Function<List<Completion>, List<Outcome<?>>>> together =
        tx -> batch -> new ArrayList<>(tx.completeEach(batch, "worker"));
    Function<StoreTransaction, Function<List<Completion>, List<Outcome<?>>>> oneByOne =
        tx ->
            batch -> {
              List<Outcome<?>> out = new ArrayList<>();
              for (Completion c : batch) {
                // A batch of one takes the plain completion.
                out.addAll(tx.completeEach(List.of(c), "worker"));
              }
              return out;
            };
    List<String> sequential = run(setup, batchOf, lapsed, afterClaims, oneByOne);
    int before = batchedStatements.get();
    List<String> batched = run(setup, batchOf, lapsed, afterClaims, together);
    batchedStatements.addAndGet(-before);
    assertEquals(sequential, batched);
    Map<String, String> outcomes = new LinkedHashMap<>();
    for (String line : batched) {
      if (line.startsWith("outcome ")) {
        String[] parts = line.substring(8).split(" ", 2);
        outcomes.put(parts[0], parts[1]);
      }
    }
    return outcomes;
  }

  private List<String> run(
      Consumer<StoreTransaction> setup,
      Function<List<Claim>, List<Completion>> batchOf,
      String lapsed,
      Consumer<StoreTransaction> afterClaims,
      Function<StoreTransaction, Function<List<Completion>, List<Outcome<?>>>> how) {
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    InstantSource clock = now::get;
    try (JdbcBacklogStore store =
        JdbcBacklogStore.builder()
            .dataSource(
                TestDataSources.counting(TestPostgres.freshSchemaUrl(), BATCHED, batchedStatements))
            .clock(clock)
            .build()) {
      store.inTransaction(
          tx -> {
            setup.accept(tx);
            return null;
          });
      List<Claim> claims =
          store.inTransaction(
              tx -> {
                List<Claim> all = new ArrayList<>();
                for (var card : tx.list(new CardQuery(null, null, true, 1_000))) {
                  if (card.id().value().equals(UNCLAIMED)) {
                    continue;
                  }
                  all.addAll(
                      tx.claim(
                          ClaimRequest.builder("w-" + card.id().value())
                              .card(card.id())
                              .ttl(
                                  card.id().value().equals(lapsed)
                                      ? Duration.ofSeconds(30)
                                      : Duration.ofMinutes(15))
                              .build()));
                }
                afterClaims.accept(tx);
                return all;
              });
      now.set(T0.plusSeconds(60));
      List<Completion> batch = batchOf.apply(claims);
      List<Outcome<?>> outcomes = store.inTransaction(tx -> how.apply(tx).apply(batch));
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Outcome<?> o = outcomes.get(i);
        lines.add(
            "outcome "
                + batch.get(i).id().value()
                + " "
                + (o.refusal() == null ? "done" : o.refusal().getClass().getSimpleName()));
        if (o.refusal() == null) {
          lines.add("card " + o.value());
        }
      }
      store.inTransaction(
          tx -> {
            tx.list(CardQuery.ALL).forEach(c -> lines.add("now " + c));
            tx.events(EventQuery.after(0, 1_000)).forEach(e -> lines.add("event " + e));
            for (var c : tx.list(CardQuery.ALL)) {
              tx.history(c.id()).forEach(r -> lines.add("run " + r));
            }
            lines.add("stats " + tx.stats());
            return null;
          });
      // Each done card reopened alone (and rolled back) shows whether its counter of unmet
      // dependencies is right: it is claimable again exactly when nothing it depends on is open.
      for (var c :
          store.inTransaction(tx -> tx.list(new CardQuery(CardStatus.DONE, null, false, 1_000)))) {
        try {
          store.inTransaction(
              tx -> {
                tx.reopen(c.id(), "probe");
                throw new Probe(
                    "reopened "
                        + c.id().value()
                        + " claimable "
                        + tx.list(new CardQuery(null, null, true, 1_000)).stream()
                            .map(k -> k.id().value())
                            .toList());
              });
        } catch (Probe p) {
          lines.add(p.getMessage());
        }
      }
      return lines;
    }
  }
}
