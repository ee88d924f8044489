package dev.backlog.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.memory.InMemoryBacklogStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BacklogSubscribeTest {

  private static Backlog backlog(List<Event> configured) {
    return Backlog.builder()
        .store(new InMemoryBacklogStore(InstantSource.system()))
        .listener(configured::addAll)
        .build();
  }

  @Test
  void aSubscriberReceivesEachCommittedTransactionsEventsBesideTheConfiguredListener()
      throws Exception {
    List<Event> configured = new CopyOnWriteArrayList<>();
    List<List<Event>> subscribed = new CopyOnWriteArrayList<>();
    try (Backlog backlog = backlog(configured)) {
      AutoCloseable handle = backlog.subscribe(subscribed::add);
      backlog.create(NewCard.builder("A").title("a").build());
      Claim claim = backlog.claimOne("w", Duration.ofMinutes(1)).orElseThrow();
      backlog.complete(claim.card().id(), claim.token());
      assertEquals(3, subscribed.size(), "one call per transaction");
      assertEquals(
          configured.stream().map(Event::seq).toList(),
          subscribed.stream().flatMap(List::stream).map(Event::seq).toList());
      handle.close();
      backlog.create(NewCard.builder("B").title("b").build());
      assertEquals(3, subscribed.size(), "a removed subscriber was still notified");
      assertEquals(4, configured.size());
    }
  }

  @Test
  void aFailingSubscriberLeavesTheTransactionCommittedAndTheOthersNotified() {
    List<Event> configured = new CopyOnWriteArrayList<>();
    List<Event> second = new CopyOnWriteArrayList<>();
    try (Backlog backlog = backlog(configured)) {
      backlog.subscribe(
          events -> {
            throw new IllegalStateException("subscriber broke");
          });
      backlog.subscribe(second::addAll);
      Card a = backlog.create(NewCard.builder("A").title("a").build());
      assertEquals(CardStatus.READY, a.status());
      assertTrue(backlog.find(CardId.of("A")).isPresent());
      assertEquals(1, second.size());
      assertThrows(NullPointerException.class, () -> backlog.subscribe(null));
    }
  }
}
