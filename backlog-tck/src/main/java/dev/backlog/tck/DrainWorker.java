package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.LeaseToken;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker of {@link BacklogStoreConcurrencyContract}'s drain race: claims cards and completes,
 * releases or fails each at random until every card is done, failing if a card is handed out while
 * another token still holds it. Shares its tallies with the other workers.
 *
 * <p>Runs on one thread; the shared tallies are thread-safe. Returns how often it found nothing to
 * claim.
 */
final class DrainWorker implements Callable<Integer> {

  private final Backlog mine;
  private final String owner;
  private final Duration ttl;
  private final int cards;
  private final AtomicInteger done;
  private final Map<CardId, LeaseToken> holders;
  private final Map<CardId, AtomicInteger> claimsSeen;
  private final Map<CardId, AtomicInteger> completions;
  private final AtomicLong releases;
  private final AtomicLong failures;

  /**
   * A worker claiming as {@code owner} through {@code mine} with leases of {@code ttl} until {@code
   * done} reaches {@code cards}; {@code holders} maps each card to the token that holds it right
   * now, and the other maps and counters tally claims, completions, releases and failures.
   */
  DrainWorker(
      Backlog mine,
      String owner,
      Duration ttl,
      int cards,
      AtomicInteger done,
      Map<CardId, LeaseToken> holders,
      Map<CardId, AtomicInteger> claimsSeen,
      Map<CardId, AtomicInteger> completions,
      AtomicLong releases,
      AtomicLong failures) {
    this.mine = mine;
    this.owner = owner;
    this.ttl = ttl;
    this.cards = cards;
    this.done = done;
    this.holders = holders;
    this.claimsSeen = claimsSeen;
    this.completions = completions;
    this.releases = releases;
    this.failures = failures;
  }

  @Override
  public Integer call() {
    int emptyClaims = 0;
    while (done.get() < cards) {
      if (Thread.currentThread().isInterrupted()) {
        return emptyClaims;
      }
      Optional<Claim> got = mine.claimOne(owner, ttl);
      if (got.isEmpty()) {
        emptyClaims++;
        Thread.onSpinWait();
        continue;
      }
      Claim claim = got.get();
      CardId id = claim.card().id();
      LeaseToken other = holders.putIfAbsent(id, claim.token());
      if (other != null) {
        fail(
            "card "
                + id
                + " was handed to "
                + owner
                + " under token "
                + claim.token()
                + " while token "
                + other
                + " still held it");
      }
      claimsSeen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      int action = ThreadLocalRandom.current().nextInt(100);
      holders.remove(id);
      if (action < 70) {
        assertEquals(CardStatus.DONE, mine.complete(id, claim.token()).status());
        completions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        done.incrementAndGet();
      } else if (action < 85) {
        mine.release(id, claim.token());
        releases.incrementAndGet();
      } else {
        mine.fail(id, claim.token(), "flaky");
        failures.incrementAndGet();
      }
    }
    return emptyClaims;
  }
}
