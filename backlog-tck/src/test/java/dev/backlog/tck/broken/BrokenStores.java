package dev.backlog.tck.broken;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseChange;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.NewCard;
import dev.backlog.core.spi.StoreTransaction;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/** Four stores with one planted defect each; the contracts must catch every one of them. */
final class BrokenStores {

  private BrokenStores() {}

  /**
   * Hands out a card that is already claimed when a claim finds too few claimable cards: the
   * check-then-act race of a store without an atomic claim.
   */
  static final class DoubleClaimStore extends DelegatingStore {
    private final AtomicLong fakeTokens = new AtomicLong(1_000_000);

    DoubleClaimStore(InstantSource clock) {
      super(clock);
    }

    @Override
    StoreTransaction wrap(StoreTransaction tx) {
      return new Forwarding(tx) {
        @Override
        public List<Claim> claim(ClaimRequest request) {
          List<Claim> claims = new ArrayList<>(tx.claim(request));
          if (claims.size() < request.limit()) {
            List<Card> held =
                tx.list(
                    new CardQuery(CardStatus.CLAIMED, request.phase(), false, CardQuery.MAX_LIMIT));
            for (Card card : held) {
              if (claims.size() >= request.limit()) {
                break;
              }
              if (request.cardId() != null && !request.cardId().equals(card.id())) {
                continue;
              }
              Lease lease =
                  new Lease(
                      request.owner(),
                      new LeaseToken(fakeTokens.incrementAndGet()),
                      tx.now(),
                      tx.now().plus(request.ttl()));
              claims.add(new Claim(card.toBuilder().lease(lease).build(), lease));
            }
          }
          return claims;
        }
      };
    }
  }

  /**
   * Ignores deferrals when claiming: every deferred card is treated as claimable (its deferral is
   * lifted just before the claim), as a store whose claim filter forgot {@code notBefore} would.
   */
  static final class IgnoresNotBeforeStore extends DelegatingStore {

    IgnoresNotBeforeStore(InstantSource clock) {
      super(clock);
    }

    @Override
    StoreTransaction wrap(StoreTransaction tx) {
      return new Forwarding(tx) {
        @Override
        public List<Claim> claim(ClaimRequest request) {
          for (Card card :
              tx.list(new CardQuery(CardStatus.READY, null, false, CardQuery.MAX_LIMIT))) {
            if (card.notBefore() != null) {
              tx.undefer(card.id(), request.owner());
            }
          }
          return tx.claim(request);
        }
      };
    }
  }

  /** Accepts links and creates that close a cycle (it drops the edge but reports success). */
  static final class NoCycleCheckStore extends DelegatingStore {

    NoCycleCheckStore(InstantSource clock) {
      super(clock);
    }

    @Override
    StoreTransaction wrap(StoreTransaction tx) {
      return new Forwarding(tx) {
        @Override
        public Card link(CardId from, CardId to, String actor) {
          try {
            return tx.link(from, to, actor);
          } catch (DependencyCycleException e) {
            Card card = tx.find(from).orElseThrow();
            TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
            deps.add(to);
            return card.toBuilder().dependsOn(deps).build();
          }
        }

        @Override
        public Card create(NewCard card, String actor) {
          try {
            return tx.create(card, actor);
          } catch (DependencyCycleException e) {
            return tx.create(
                new NewCard(
                    card.id(),
                    card.title(),
                    card.body(),
                    card.phase(),
                    card.priority(),
                    new TreeSet<>(),
                    card.acceptance(),
                    card.idempotencyKey(),
                    card.maxAttempts(),
                    card.blocked(),
                    card.blockedReason()),
                actor);
          }
        }
      };
    }
  }

  /**
   * Accepts any token from a lease holder: the card's current lease is used whatever was presented.
   */
  static final class NoFencingStore extends DelegatingStore {

    NoFencingStore(InstantSource clock) {
      super(clock);
    }

    @Override
    StoreTransaction wrap(StoreTransaction tx) {
      return new Forwarding(tx) {
        private LeaseToken current(CardId id, LeaseToken presented) {
          Optional<Lease> lease = tx.find(id).flatMap(Card::currentLease);
          return lease.map(Lease::token).orElse(presented);
        }

        @Override
        public Card renew(CardId id, LeaseToken token, Duration ttl, String actor) {
          return tx.renew(id, current(id, token), ttl, actor);
        }

        @Override
        public Card complete(CardId id, LeaseToken token, String actor) {
          return tx.complete(id, current(id, token), actor);
        }

        @Override
        public Card renew(
            CardId id, LeaseToken token, Duration ttl, LeaseChange change, String actor) {
          return tx.renew(id, current(id, token), ttl, change, actor);
        }

        @Override
        public Card complete(CardId id, LeaseToken token, String evidence, String actor) {
          return tx.complete(id, current(id, token), evidence, actor);
        }

        @Override
        public Card release(CardId id, LeaseToken token, String actor) {
          return tx.release(id, current(id, token), actor);
        }

        @Override
        public Card fail(
            CardId id, LeaseToken token, String reason, int defaultMaxAttempts, String actor) {
          return tx.fail(id, current(id, token), reason, defaultMaxAttempts, actor);
        }
      };
    }
  }
}
