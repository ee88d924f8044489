package dev.backlog.tck.broken;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardUpdate;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.Run;
import dev.backlog.core.Stats;
import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.core.spi.BacklogStore;
import dev.backlog.core.spi.StoreTransaction;
import dev.backlog.core.spi.StoreWork;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * A store that forwards everything to an {@link InMemoryBacklogStore}; the broken stores override
 * single operations of its transaction to plant one defect each.
 */
abstract class DelegatingStore implements BacklogStore {

  private final InMemoryBacklogStore delegate;

  DelegatingStore(InstantSource clock) {
    delegate = new InMemoryBacklogStore(clock);
  }

  /** Wraps the delegate's transaction; override the methods that carry the defect. */
  abstract StoreTransaction wrap(StoreTransaction tx);

  @Override
  public <T> T inTransaction(StoreWork<T> work) {
    return delegate.inTransaction(tx -> work.run(wrap(tx)));
  }

  @Override
  public int coalescedInFlight() {
    return delegate.coalescedInFlight();
  }

  @Override
  public void awaitChange(Duration timeout) throws InterruptedException {
    delegate.awaitChange(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Forwards every operation; subclasses override the broken ones. */
  static class Forwarding implements StoreTransaction {
    final StoreTransaction tx;

    Forwarding(StoreTransaction tx) {
      this.tx = tx;
    }

    @Override
    public Instant now() {
      return tx.now();
    }

    @Override
    public Optional<Card> find(CardId id) {
      return tx.find(id);
    }

    @Override
    public List<Card> list(CardQuery query) {
      return tx.list(query);
    }

    @Override
    public Card create(NewCard card, String actor) {
      return tx.create(card, actor);
    }

    @Override
    public Card link(CardId from, CardId to, String actor) {
      return tx.link(from, to, actor);
    }

    @Override
    public Card unlink(CardId from, CardId to, String actor) {
      return tx.unlink(from, to, actor);
    }

    @Override
    public List<Claim> claim(ClaimRequest request) {
      return tx.claim(request);
    }

    @Override
    public Card renew(CardId id, LeaseToken token, Duration ttl, String actor) {
      return tx.renew(id, token, ttl, actor);
    }

    @Override
    public Card complete(CardId id, LeaseToken token, String actor) {
      return tx.complete(id, token, actor);
    }

    @Override
    public Card forceComplete(CardId id, String actor) {
      return tx.forceComplete(id, actor);
    }

    @Override
    public Card release(CardId id, LeaseToken token, String reason, String actor) {
      return tx.release(id, token, reason, actor);
    }

    @Override
    public Card fail(
        CardId id, LeaseToken token, String reason, int defaultMaxAttempts, String actor) {
      return tx.fail(id, token, reason, defaultMaxAttempts, actor);
    }

    @Override
    public List<CardId> reclaimExpired(int defaultMaxAttempts, String actor) {
      return tx.reclaimExpired(defaultMaxAttempts, actor);
    }

    @Override
    public Card reclaim(CardId id, String actor) {
      return tx.reclaim(id, actor);
    }

    @Override
    public Card block(CardId id, String reason, String actor) {
      return tx.block(id, reason, actor);
    }

    @Override
    public Card unblock(CardId id, String actor) {
      return tx.unblock(id, actor);
    }

    @Override
    public Card reopen(CardId id, String actor) {
      return tx.reopen(id, actor);
    }

    @Override
    public Stats stats() {
      return tx.stats();
    }

    @Override
    public List<Event> events(EventQuery query) {
      return tx.events(query);
    }

    @Override
    public List<Event> writtenEvents() {
      return tx.writtenEvents();
    }

    @Override
    public Card renew(CardId id, LeaseToken token, Duration ttl, LeaseChange change, String actor) {
      return tx.renew(id, token, ttl, change, actor);
    }

    @Override
    public Card complete(CardId id, LeaseToken token, String evidence, String actor) {
      return tx.complete(id, token, evidence, actor);
    }

    @Override
    public List<Run> history(CardId id) {
      return tx.history(id);
    }

    @Override
    public Card defer(CardId id, Instant until, String actor) {
      return tx.defer(id, until, actor);
    }

    @Override
    public Card undefer(CardId id, String actor) {
      return tx.undefer(id, actor);
    }

    @Override
    public List<CardId> wakeDeferred(String actor) {
      return tx.wakeDeferred(actor);
    }

    @Override
    public Card update(CardId id, CardUpdate update, Long ifVersion, String actor) {
      return tx.update(id, update, ifVersion, actor);
    }

    @Override
    public long claimRank(Card card) {
      return tx.claimRank(card);
    }
  }
}
