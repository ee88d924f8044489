package dev.backlog.tck;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * The steps of {@link BacklogStoreModelContract}'s property and their generator. A step names cards
 * by small numbers that {@link ModelRun} resolves against the model when it runs.
 *
 * <p>Stateless; the step records are immutable.
 */
final class ModelOperations {

  /** How many card ids a sequence uses: {@code c0} … {@code c7}. */
  static final int CARDS = 8;

  private ModelOperations() {}

  /** One generated step; ids and tokens are resolved against the model when it runs. */
  interface Op {}

  enum DepTwist {
    NONE,
    SELF,
    UNKNOWN
  }

  enum TokenChoice {
    CURRENT,
    EARLIER,
    NEVER_ISSUED
  }

  record Create(
      int card,
      int priority,
      String phase,
      List<Integer> deps,
      DepTwist twist,
      Integer maxAttempts,
      boolean blocked)
      implements Op {}

  record Link(int from, int to) implements Op {}

  record Unlink(int from, int to) implements Op {}

  record ClaimOp(
      int owner, int ttlSeconds, String phase, int card, int limit, String leasePhase, int attrs)
      implements Op {}

  record Renew(int card, TokenChoice token, int ttlSeconds, String leasePhase, int attrs)
      implements Op {}

  record Complete(int card, TokenChoice token, boolean evidence) implements Op {}

  /** Defers a card by {@code seconds} from now (zero or less is refused). */
  record Defer(int card, int seconds) implements Op {}

  record Undefer(int card) implements Op {}

  record WakeDeferred() implements Op {}

  /**
   * Updates priority and phase (null: not given); {@code version} 0 gives no if-version, 1 the
   * current one, 2 a stale one.
   */
  record Update(int card, Integer priority, String phase, int version) implements Op {}

  /**
   * The attributes a step sets: {@code n} keys from a pool of 20 (so that merges reach the bound of
   * 16 now and then), the value naming the step's seed.
   */
  static java.util.TreeMap<String, String> attributes(int n) {
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < n % 4; i++) {
      out.put("k" + ((n / 4 + i * 7) % 20), "v" + n);
    }
    return out;
  }

  record CompleteAll(List<Integer> cards, List<TokenChoice> tokens) implements Op {}

  record Release(int card, TokenChoice token) implements Op {}

  record Fail(int card, TokenChoice token) implements Op {}

  record Block(int card, String reason) implements Op {}

  record Unblock(int card) implements Op {}

  record Reopen(int card) implements Op {}

  record Reclaim(int card) implements Op {}

  record ReclaimExpired() implements Op {}

  record ForceComplete(int card) implements Op {}

  record Advance(int seconds) implements Op {}

  record RolledBack(Op inner) implements Op {}

  /**
   * Calls of several logical workers made at once through one coalescing backlog: all claims or all
   * completions, queued in this order behind one in flight, so they share one transaction.
   */
  record Wave(List<Op> calls) implements Op {}

  /**
   * The operation sequences of {@link BacklogStoreModelContract}: 1 to {@code maxOperations} steps,
   * lengths spread evenly.
   */
  static Arbitrary<List<Op>> operations(int maxOperations) {
    return operations(maxOperations, false);
  }

  /** The operation sequences, with {@link Wave}s of claims and of completions when asked. */
  static Arbitrary<List<Op>> operations(int maxOperations, boolean waves) {
    // Below CARDS: "a card for which the operation makes sense" (the n-th such card); from CARDS
    // up: a
    // raw id, which may not exist or may be in the wrong status, so that refusals are exercised
    // too.
    Arbitrary<Integer> card =
        uniform(0, 6 * CARDS - 1).map(n -> n < 5 * CARDS ? n % CARDS : CARDS + n % CARDS);
    Arbitrary<Integer> newCard =
        uniform(0, 13 * CARDS - 1).map(n -> n < 12 * CARDS ? n % CARDS : CARDS + n % CARDS);
    Arbitrary<Integer> rawCard = uniform(0, CARDS - 1);
    Arbitrary<TokenChoice> token =
        uniform(0, 9)
            .map(
                n ->
                    n == 3
                        ? TokenChoice.EARLIER
                        : n == 7 ? TokenChoice.NEVER_ISSUED : TokenChoice.CURRENT);
    Arbitrary<String> phase = uniform(0, 3).map(n -> n == 1 ? "p1" : n == 2 ? "p2" : null);
    Arbitrary<String> leasePhase =
        uniform(0, 3).map(n -> n == 1 ? "implementing" : n == 2 ? "testing" : null);
    Arbitrary<DepTwist> twist =
        uniform(0, 39)
            .map(n -> n == 17 ? DepTwist.SELF : n == 23 ? DepTwist.UNKNOWN : DepTwist.NONE);
    Arbitrary<Op> create =
        Combinators.combine(
                newCard,
                uniform(0, 2),
                phase,
                rawCard.list().ofMaxSize(2),
                twist,
                uniform(0, 4).map(n -> n <= 2 ? null : n - 2),
                uniform(0, 5).map(n -> n == 0))
            .as(Create::new);
    Arbitrary<Op> link = Combinators.combine(rawCard, rawCard).as(Link::new);
    Arbitrary<Op> unlink = Combinators.combine(rawCard, rawCard).as(Unlink::new);
    Arbitrary<Op> claim =
        Combinators.combine(
                uniform(0, 2),
                uniform(1, 120),
                uniform(0, 9).map(n -> n == 1 ? "p1" : n == 2 ? "p2" : null),
                uniform(0, 4 * CARDS - 1).map(n -> n < CARDS ? n : n < CARDS + 2 ? n : -1),
                uniform(1, 3),
                leasePhase,
                uniform(0, 79))
            .as(ClaimOp::new);
    Arbitrary<Op> renew =
        Combinators.combine(card, token, uniform(1, 120), leasePhase, uniform(0, 79))
            .as(Renew::new);
    Arbitrary<Op> complete =
        Combinators.combine(card, token, uniform(0, 2).map(n -> n == 0)).as(Complete::new);
    Arbitrary<Op> defer = Combinators.combine(card, uniform(-5, 120)).as(Defer::new);
    Arbitrary<Op> undefer = card.map(Undefer::new);
    Arbitrary<Op> wakeDeferred = Arbitraries.just(new WakeDeferred());
    Arbitrary<Op> update =
        Combinators.combine(
                card,
                uniform(0, 3).map(n -> n == 0 ? null : n - 1),
                uniform(0, 3).map(n -> n == 1 ? "p1" : n == 2 ? "p2" : null),
                uniform(0, 2))
            .as(Update::new);
    Arbitrary<Op> completeAll =
        Combinators.combine(
                card.list().ofMinSize(1).ofMaxSize(3), token.list().ofMinSize(3).ofMaxSize(3))
            .as(CompleteAll::new);
    Arbitrary<Op> release = Combinators.combine(card, token).as(Release::new);
    Arbitrary<Op> fail = Combinators.combine(card, token).as(Fail::new);
    Arbitrary<Op> block =
        Combinators.combine(card, uniform(0, 1).map(n -> n == 0 ? null : "hold")).as(Block::new);
    Arbitrary<Op> unblock = card.map(Unblock::new);
    Arbitrary<Op> reopen = card.map(Reopen::new);
    Arbitrary<Op> reclaim = card.map(Reclaim::new);
    Arbitrary<Op> reclaimExpired = Arbitraries.just(new ReclaimExpired());
    Arbitrary<Op> forceComplete = card.map(ForceComplete::new);
    Arbitrary<Op> advance = uniform(1, 90).map(Advance::new);
    Arbitrary<Op> rolledBack =
        Arbitraries.oneOf(
                create, link, claim, complete, completeAll, fail, block, reopen, reclaimExpired)
            .map(RolledBack::new);
    Arbitrary<Op> rolledBackScheduling =
        Arbitraries.oneOf(defer, undefer, update, renew).map(RolledBack::new);
    // Weighted choice by a uniform number without edge cases: edge cases (and jqwik's frequency
    // arbitraries) favour the first entries, which would make most steps creates.
    List<Arbitrary<Op>> weighted = new ArrayList<>();
    addWeighted(weighted, 6, create);
    addWeighted(weighted, 3, link);
    addWeighted(weighted, 1, unlink);
    addWeighted(weighted, 8, claim);
    addWeighted(weighted, 2, renew);
    addWeighted(weighted, 5, complete);
    addWeighted(weighted, 2, completeAll);
    addWeighted(weighted, 2, release);
    addWeighted(weighted, 3, fail);
    addWeighted(weighted, 1, block);
    addWeighted(weighted, 1, unblock);
    addWeighted(weighted, 1, reopen);
    addWeighted(weighted, 1, reclaim);
    addWeighted(weighted, 2, reclaimExpired);
    addWeighted(weighted, 1, forceComplete);
    addWeighted(weighted, 4, advance);
    addWeighted(weighted, 1, rolledBack);
    addWeighted(weighted, 2, defer);
    addWeighted(weighted, 1, undefer);
    addWeighted(weighted, 1, wakeDeferred);
    addWeighted(weighted, 2, update);
    addWeighted(weighted, 1, rolledBackScheduling);
    if (waves) {
      addWeighted(weighted, 4, claim.list().ofMinSize(2).ofMaxSize(6).map(Wave::new));
      addWeighted(weighted, 4, complete.list().ofMinSize(2).ofMaxSize(6).map(Wave::new));
    }
    Arbitrary<Op> any = uniform(0, weighted.size() - 1).flatMap(weighted::get).withoutEdgeCases();
    return any.list()
        .ofMinSize(1)
        .ofMaxSize(maxOperations)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  private static void addWeighted(List<Arbitrary<Op>> weighted, int weight, Arbitrary<Op> op) {
    for (int i = 0; i < weight; i++) {
      weighted.add(op);
    }
  }

  private static Arbitrary<Integer> uniform(int min, int max) {
    return Arbitraries.integers()
        .between(min, max)
        .withDistribution(RandomDistribution.uniform())
        .withoutEdgeCases();
  }
}
