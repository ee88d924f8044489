package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit of a store's own event stream that {@link BacklogStoreConcurrencyContract} runs after
 * each race: seqs in order, and every token-carrying event on the lease that was open at that
 * point.
 *
 * <p>Stateless.
 */
final class EventAudit {

  private EventAudit() {}

  /** Every event of {@code backlog}, paged by seq. */
  static List<Event> allEvents(Backlog backlog) {
    List<Event> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page = backlog.events(EventQuery.after(after, 10_000));
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
  }

  /**
   * Checks the event stream has consecutive seq from 1 (strictly increasing seqs where the store
   * does not promise {@link StoreContractSupport#seqsAreGapFree()}, {@code gapFree}) and that every
   * token-carrying event belongs to the lease that was open on its card: a claim opens a lease only
   * when none is open, renew keeps it, complete/release/fail/reclaim close it with the same token,
   * block and forced completion close it.
   */
  static Map<CardId, Integer> auditEvents(List<Event> events, boolean gapFree) {
    Map<CardId, LeaseToken> open = new HashMap<>();
    Map<CardId, Integer> claims = new HashMap<>();
    Set<LeaseToken> issued = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (gapFree) {
        assertEquals(
            i + 1L,
            e.seq(),
            "the event stream must have consecutive seq from 1 (no gaps, no duplicates)");
      } else {
        assertTrue(
            e.seq() > (i == 0 ? 0 : events.get(i - 1).seq()),
            "the event stream must have strictly"
                + " increasing seqs (no duplicates): "
                + events.subList(Math.max(0, i - 1), i + 1));
      }
      LeaseToken held = open.get(e.cardId());
      switch (e.type()) {
        case CLAIMED -> {
          if (held != null) {
            fail(
                "card "
                    + e.cardId()
                    + " was claimed with token "
                    + e.leaseToken()
                    + " while lease "
                    + held
                    + " was still open (event "
                    + e.seq()
                    + "): a card held under two leases");
          }
          assertTrue(
              issued.add(e.leaseToken()), () -> "token " + e.leaseToken() + " was issued twice");
          open.put(e.cardId(), e.leaseToken());
          claims.merge(e.cardId(), 1, Integer::sum);
        }
        case RENEWED ->
            assertEquals(
                held,
                e.leaseToken(),
                () ->
                    "event "
                        + e.seq()
                        + " renewed a lease that was"
                        + " not the open one on "
                        + e.cardId());
        case RELEASED, FAILED, RECLAIMED -> {
          assertEquals(
              held,
              e.leaseToken(),
              () ->
                  "event "
                      + e.seq()
                      + " ("
                      + e.type()
                      + ") closed a lease that"
                      + " was not the open one on "
                      + e.cardId());
          open.remove(e.cardId());
        }
        case COMPLETED -> {
          if (e.leaseToken() != null) {
            assertEquals(
                held,
                e.leaseToken(),
                () ->
                    "event "
                        + e.seq()
                        + " completed "
                        + e.cardId()
                        + " with a token that was not the open lease");
          }
          open.remove(e.cardId());
        }
        case BLOCKED -> open.remove(e.cardId());
        default -> {
          if (held != null && e.type() != EventType.LINKED && e.type() != EventType.UNLINKED) {
            fail(
                "event "
                    + e.seq()
                    + " ("
                    + e.type()
                    + ") on "
                    + e.cardId()
                    + " while lease "
                    + held
                    + " was open");
          }
        }
      }
    }
    return claims;
  }
}
