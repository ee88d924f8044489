package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.LeaseToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker of {@link BacklogStoreConcurrencyContract}'s stale-lease race: claims, renews and
 * completes cards while moving the clock, stalling until its lease lapses and replaying old tokens
 * as a zombie would; every stale token must be refused. Shares its tallies with the other workers.
 *
 * <p>Runs on one thread; the shared tallies are thread-safe.
 */
final class StaleLeaseWorker implements Callable<Void> {

  private final Backlog mine;
  private final String owner;
  private final MutableClock clock;
  private final Duration ttl;
  private final int cards;
  private final AtomicInteger done;
  private final Map<CardId, AtomicInteger> claimsSeen;
  private final Map<CardId, LeaseToken> completedWith;
  private final AtomicInteger refusedStaleTokens;

  /**
   * A worker claiming as {@code owner} through {@code mine} until {@code done} reaches {@code
   * cards}; it counts claims in {@code claimsSeen}, records successful completions in {@code
   * completedWith} and refused stale tokens in {@code refusedStaleTokens}.
   */
  StaleLeaseWorker(
      Backlog mine,
      String owner,
      MutableClock clock,
      Duration ttl,
      int cards,
      AtomicInteger done,
      Map<CardId, AtomicInteger> claimsSeen,
      Map<CardId, LeaseToken> completedWith,
      AtomicInteger refusedStaleTokens) {
    this.mine = mine;
    this.owner = owner;
    this.clock = clock;
    this.ttl = ttl;
    this.cards = cards;
    this.done = done;
    this.claimsSeen = claimsSeen;
    this.completedWith = completedWith;
    this.refusedStaleTokens = refusedStaleTokens;
  }

  @Override
  public Void call() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Claim> stale = new ArrayList<>();
    while (done.get() < cards && !Thread.currentThread().isInterrupted()) {
      if (!stale.isEmpty() && random.nextInt(3) == 0) {
        // A zombie: a worker that lost its lease (or finished) acts on the old token again.
        Claim zombie = stale.get(random.nextInt(stale.size()));
        try {
          if (random.nextBoolean()) {
            mine.complete(zombie.card().id(), zombie.token());
          } else {
            mine.renew(zombie.card().id(), zombie.token(), ttl);
          }
          fail("stale token " + zombie.token() + " on " + zombie.card().id() + " was accepted");
        } catch (LeaseLostException expected) {
          assertEquals(zombie.token(), expected.presented());
          refusedStaleTokens.incrementAndGet();
        }
      }
      if (random.nextInt(8) == 0) {
        clock.advance(Duration.ofSeconds(1 + random.nextInt(4)));
      }
      if (random.nextInt(6) == 0) {
        mine.reclaimExpired();
      }
      Optional<Claim> got = mine.claimOne(owner, ttl);
      if (got.isEmpty()) {
        Thread.onSpinWait();
        continue;
      }
      Claim claim = got.get();
      CardId id = claim.card().id();
      claimsSeen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      if (random.nextInt(4) == 0) {
        // A stall: the lease lapses, is reclaimed and the card claimed again (by this worker under
        // a
        // new token, or by another); the old token must not complete it any more.
        clock.advance(ttl.plusSeconds(1));
        mine.reclaimExpired();
        List<Claim> again = mine.claim(ClaimRequest.builder(owner).ttl(ttl).card(id).build());
        try {
          mine.complete(id, claim.token());
          fail(
              "the lapsed lease " + claim.token() + " completed " + id + " after it was reclaimed");
        } catch (LeaseLostException expected) {
          assertEquals(claim.token(), expected.presented());
          refusedStaleTokens.incrementAndGet();
        }
        stale.add(claim);
        if (again.isEmpty()) {
          continue;
        }
        claim = again.get(0);
        claimsSeen.get(id).incrementAndGet();
      }
      try {
        for (int r = random.nextInt(3); r > 0; r--) {
          if (random.nextInt(3) == 0) {
            clock.advance(Duration.ofSeconds(1 + random.nextInt(5)));
          }
          Card renewed = mine.renew(id, claim.token(), ttl);
          assertEquals(claim.token(), renewed.lease().token());
        }
        if (random.nextInt(4) == 0) {
          mine.reclaimExpired();
        }
        mine.complete(id, claim.token());
        LeaseToken previous = completedWith.putIfAbsent(id, claim.token());
        if (previous != null) {
          fail(
              "card "
                  + id
                  + " was completed twice, with tokens "
                  + previous
                  + " and "
                  + claim.token());
        }
        done.incrementAndGet();
      } catch (LeaseLostException e) {
        refusedStaleTokens.incrementAndGet();
        assertEquals(claim.token(), e.presented());
      }
      stale.add(claim);
    }
    return null;
  }
}
