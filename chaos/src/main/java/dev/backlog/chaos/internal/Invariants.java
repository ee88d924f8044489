package dev.backlog.chaos.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.Stats;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants every scenario ends with, judged from the store's event log and cards only (never
 * from the driver's own bookkeeping):
 *
 * <ul>
 *   <li>every card of the drain completed exactly once (one {@code completed} event, status done);
 *   <li>no completion before the completions of the card's dependencies;
 *   <li>no write accepted from a token that was no longer current: every renew, complete, release
 *       and fail event carries the token of the card's live lease, and no card is claimed while a
 *       lease on it is live (two live holders);
 *   <li>event seqs strictly increasing, and consecutive from 1 where the store promises no gap (H2;
 *       PostgreSQL draws them from a sequence, so a rolled-back transaction leaves a gap);
 *   <li>{@code stats} equal to a recount of the cards;
 *   <li>the store's own recount finds no wrong dependency counter.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class Invariants {

  private static final Set<EventType> LEASE_WRITES =
      Set.of(EventType.RENEWED, EventType.COMPLETED, EventType.RELEASED, EventType.FAILED);

  private static final Set<EventType> LEASE_ENDS =
      Set.of(
          EventType.COMPLETED,
          EventType.RELEASED,
          EventType.FAILED,
          EventType.RECLAIMED,
          EventType.BLOCKED);

  private Invariants() {}

  /** What was checked and what was wrong. */
  public record Outcome(int cards, int events, int completions, List<String> violations) {
    /** Whether nothing was wrong. */
    public boolean holds() {
      return violations.isEmpty();
    }
  }

  /**
   * Checks a finished drain: {@code drained} cards must all be done exactly once; the others (cards
   * still open when a scenario stops early, such as a soak) only once at most.
   */
  public static Outcome check(
      Backlog backlog, JdbcBacklogStore store, Set<CardId> drained, boolean gapFree) {
    List<Event> events = allEvents(backlog);
    List<Card> cards = backlog.list(CardQuery.ALL);
    Map<CardId, Set<CardId>> dependencies = new HashMap<>();
    Map<CardId, CardStatus> statuses = new HashMap<>();
    cards.forEach(
        c -> {
          dependencies.put(c.id(), c.dependsOn());
          statuses.put(c.id(), c.status());
        });
    List<String> violations =
        new ArrayList<>(history(events, dependencies, statuses, drained, gapFree));
    long completedEvents = events.stream().filter(e -> e.type() == EventType.COMPLETED).count();

    // stats equal a recount
    Stats stats = backlog.stats();
    Map<CardStatus, Long> recount = new EnumMap<>(CardStatus.class);
    for (CardStatus s : CardStatus.values()) {
      recount.put(s, 0L);
    }
    cards.forEach(c -> recount.merge(c.status(), 1L, Long::sum));
    if (stats.total() != cards.size() || !stats.counts().equals(recount)) {
      violations.add(
          "stats "
              + stats.counts()
              + " (total "
              + stats.total()
              + ") differ from a recount of the cards "
              + recount
              + " (total "
              + cards.size()
              + ")");
    }
    int fixed = store.recount();
    if (fixed != 0) {
      violations.add("the store's recount found " + fixed + " wrong dependency counters");
    }
    return new Outcome(cards.size(), events.size(), (int) completedEvents, violations);
  }

  /**
   * The checks judged from the event log alone (plus each card's dependencies and status): exactly
   * once, dependency order, tokens and holders, seqs.
   */
  static List<String> history(
      List<Event> events,
      Map<CardId, Set<CardId>> dependencies,
      Map<CardId, CardStatus> statuses,
      Set<CardId> drained,
      boolean gapFree) {
    List<String> violations = new ArrayList<>();

    // seqs strictly increasing; consecutive from 1 where the store promises it
    for (int i = 0; i < events.size(); i++) {
      long seq = events.get(i).seq();
      if (i > 0 && seq <= events.get(i - 1).seq()) {
        violations.add(
            "event seqs do not increase: seq " + seq + " follows " + events.get(i - 1).seq());
        break;
      }
      if (gapFree && seq != i + 1) {
        violations.add(
            "event seqs are not consecutive on a store that promises it: position "
                + (i + 1)
                + " has seq "
                + seq);
        break;
      }
    }

    // per card: completions, tokens, holders
    Map<CardId, LeaseToken> live = new HashMap<>();
    Map<CardId, Long> completedAt = new HashMap<>();
    Map<CardId, Integer> completions = new HashMap<>();
    for (Event e : events) {
      CardId id = e.cardId();
      LeaseToken holder = live.get(id);
      if (e.type() == EventType.CLAIMED) {
        if (holder != null) {
          violations.add(
              "card "
                  + id
                  + " claimed (seq "
                  + e.seq()
                  + ", token "
                  + e.leaseToken()
                  + ") while lease "
                  + holder
                  + " was live: two holders");
        }
        if (e.leaseToken() == null) {
          violations.add("claim of " + id + " at seq " + e.seq() + " carries no token");
        } else {
          live.put(id, e.leaseToken());
        }
      } else if (LEASE_WRITES.contains(e.type()) && e.leaseToken() != null) {
        if (holder == null || !holder.equals(e.leaseToken())) {
          violations.add(
              e.type().wireName()
                  + " of "
                  + id
                  + " at seq "
                  + e.seq()
                  + " accepted from token "
                  + e.leaseToken()
                  + " while the current lease was "
                  + (holder == null ? "none" : holder));
        }
      }
      if (LEASE_ENDS.contains(e.type())) {
        live.remove(id);
      }
      if (e.type() == EventType.REOPENED) {
        completedAt.remove(id);
      }
      if (e.type() == EventType.COMPLETED) {
        completions.merge(id, 1, Integer::sum);
        completedAt.put(id, e.seq());
        for (CardId dep : dependencies.getOrDefault(id, Set.of())) {
          Long depAt = completedAt.get(dep);
          if (depAt == null || depAt > e.seq()) {
            violations.add(
                "card " + id + " completed at seq " + e.seq() + " before its dependency " + dep);
          }
        }
      }
    }
    for (CardId id : drained) {
      int n = completions.getOrDefault(id, 0);
      if (n != 1) {
        violations.add("card " + id + " completed " + n + " times, not exactly once");
      }
      CardStatus status = statuses.get(id);
      if (status == null) {
        violations.add("card " + id + " is missing from the store");
      } else if (status != CardStatus.DONE) {
        violations.add("card " + id + " is " + status + ", not done");
      }
    }
    completions.forEach(
        (id, n) -> {
          if (n > 1 && !drained.contains(id)) {
            violations.add("card " + id + " completed " + n + " times");
          }
        });

    return violations;
  }

  private static List<Event> allEvents(Backlog backlog) {
    List<Event> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page = backlog.events(EventQuery.after(after, 10_000));
      all.addAll(page);
      if (page.size() < 10_000) {
        return all;
      }
      after = page.get(page.size() - 1).seq();
    }
  }
}
