package dev.backlog.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Claim;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.LeaseToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event stream: one event per mutation with the right type, card, actor and token, seqs
 * consecutive (or strictly increasing), paging by seq and filtering by card, and the store clock.
 *
 * <p>Runs as a {@code @Nested} group of {@link BacklogStoreContract}; not thread-safe.
 */
abstract class EventContract extends ContractGroup {

  EventContract(BacklogStoreContract contract) {
    super(contract);
  }

  @Test
  void everyMutationWritesOneEventOfTheRightTypeWithConsecutiveSeq() {
    create("a");
    create("b");
    backlog.link(id("a"), id("b"));
    backlog.unlink(id("a"), id("b"));
    Claim c1 = claimCard("w1", "a");
    backlog.renew(id("a"), c1.token(), TTL);
    backlog.release(id("a"), c1.token());
    Claim c2 = claimCard("w2", "a");
    backlog.fail(id("a"), c2.token(), "oops");
    Claim c3 = claimCard("w3", "a");
    backlog.complete(id("a"), c3.token());
    backlog.reopen(id("a"));
    backlog.block(id("a"), "hold");
    backlog.unblock(id("a"));
    Claim c4 = claimCard("w4", "a");
    backlog.reclaim(id("a"));
    backlog.forceComplete(id("b"));

    List<Event> events = allEvents();
    assertEquals(
        List.of(
            EventType.CREATED,
            EventType.CREATED,
            EventType.LINKED,
            EventType.UNLINKED,
            EventType.CLAIMED,
            EventType.RENEWED,
            EventType.RELEASED,
            EventType.CLAIMED,
            EventType.FAILED,
            EventType.CLAIMED,
            EventType.COMPLETED,
            EventType.REOPENED,
            EventType.BLOCKED,
            EventType.UNBLOCKED,
            EventType.CLAIMED,
            EventType.RECLAIMED,
            EventType.COMPLETED),
        events.stream().map(Event::type).toList());
    for (int i = 0; i < events.size(); i++) {
      if (seqsAreGapFree()) {
        assertEquals(i + 1L, events.get(i).seq(), "seq must be consecutive from 1");
      } else {
        assertTrue(
            events.get(i).seq() > (i == 0 ? 0 : events.get(i - 1).seq()),
            "seq must increase strictly");
      }
    }
    List<LeaseToken> tokens = events.stream().map(Event::leaseToken).toList();
    assertEquals(
        Arrays.asList(
            null,
            null,
            null,
            null,
            c1.token(),
            c1.token(),
            c1.token(),
            c2.token(),
            c2.token(),
            c3.token(),
            c3.token(),
            null,
            null,
            null,
            c4.token(),
            c4.token(),
            null),
        tokens);
    assertEquals(
        List.of(
            "a", "b", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "b"),
        events.stream().map(e -> e.cardId().value()).toList());
    assertEquals("w1", events.get(4).actor(), "a claim is attributed to its owner");
    assertEquals(Backlog.DEFAULT_ACTOR, events.get(0).actor());
    events.forEach(e -> assertTrue(e.data().startsWith("{") && e.data().endsWith("}"), e.data()));
  }

  @Test
  void eventsPageByAfterSeqAndLimitAndFilterByCard() {
    for (int i = 0; i < 5; i++) {
      create("c" + i);
    }
    backlog.forceComplete(id("c1"));
    backlog.reopen(id("c1"));
    List<Event> all = allEvents();
    assertEquals(7, all.size());
    List<Event> paged = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page = backlog.events(EventQuery.after(after, 3));
      if (page.isEmpty()) {
        break;
      }
      assertTrue(page.size() <= 3);
      paged.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
    assertEquals(all, paged, "paging by seq must return every event once, in order");
    assertEquals(
        List.of(3L, 4L), backlog.events(EventQuery.after(2, 2)).stream().map(Event::seq).toList());
    List<Event> ofC1 = backlog.events(new EventQuery(0, id("c1"), 100));
    assertEquals(
        List.of(EventType.CREATED, EventType.COMPLETED, EventType.REOPENED),
        ofC1.stream().map(Event::type).toList());
    assertEquals(
        List.of(EventType.REOPENED),
        backlog.events(new EventQuery(ofC1.get(1).seq(), id("c1"), 100)).stream()
            .map(Event::type)
            .toList());
    assertEquals(List.of(), backlog.events(EventQuery.after(7, 10)));
  }

  @Test
  void eventsRecordTheStoreClock() {
    create("a");
    clock.advance(Duration.ofMinutes(3));
    Instant later = clock.instant();
    backlog.block(id("a"), null);
    List<Event> events = allEvents();
    assertEquals(later, events.get(1).at());
    assertTrue(events.get(0).at().isBefore(events.get(1).at()));
  }
}
