package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {

  private final Served s = new Served();

  @AfterEach
  void stop() {
    s.close();
  }

  /** Reads SSE ids until {@code enough} events arrived or {@code lastSeq} was seen; then drops. */
  private List<Long> read(HttpRequest request, int enough, long lastSeq) throws Exception {
    return read(s, request, enough, lastSeq);
  }

  static List<Long> read(Served on, HttpRequest request, int enough, long lastSeq)
      throws Exception {
    HttpResponse<Stream<String>> response =
        on.http.send(request, HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    List<Long> seqs = new ArrayList<>();
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      String data = null;
      long id = -1;
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        } else if (line.isEmpty() && data != null) {
          assertTrue(data.contains("\"seq\":" + id), data);
          seqs.add(id);
          data = null;
          if (seqs.size() >= enough || id >= lastSeq) {
            break;
          }
        }
      }
    }
    return seqs;
  }

  @Test
  void aClientThatDropsAndResumesWithLastEventIdMissesNothingAndSeesNothingTwice()
      throws Exception {
    int cards = 300;
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < cards; i++) {
                s.backlog.create(NewCard.builder("C" + i).title("card " + i).build());
                if (i % 50 == 0) {
                  sleep(20);
                }
              }
            });
    List<Long> first =
        read(s.request("/api/events/stream?after=0").GET().build(), 40, Long.MAX_VALUE);
    assertEquals(40, first.size());
    sleep(100); // the writer goes on while the client is away
    long last = first.get(first.size() - 1);
    writer.get(60, TimeUnit.SECONDS);
    List<Event> all = s.backlog.events(EventQuery.after(0, 100_000));
    long finalSeq = all.get(all.size() - 1).seq();
    List<Long> second =
        read(
            s.request("/api/events/stream")
                .header("Last-Event-ID", Long.toString(last))
                .GET()
                .build(),
            Integer.MAX_VALUE,
            finalSeq);
    List<Long> union = new ArrayList<>(first);
    union.addAll(second);
    Set<Long> distinct = new LinkedHashSet<>(union);
    assertEquals(union.size(), distinct.size(), "an event was delivered twice");
    assertEquals(all.stream().map(Event::seq).toList(), union, "the union is not the event log");
    assertEquals(cards, union.size());
  }

  @Test
  void commitsOfTheServedBacklogArriveAtOnceWithoutWaitingForThePoll() throws Exception {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Backlog backlog = backlogOn(url);
        Served pushed = new Served(backlog, b -> b.eventPoll(Duration.ofMinutes(10)))) {
      HttpResponse<Stream<String>> response =
          pushed.http.send(
              pushed.request("/api/events/stream").GET().build(),
              HttpResponse.BodyHandlers.ofLines());
      long t0 = System.nanoTime();
      backlog.create(NewCard.builder("NOW").title("now").build());
      try (Stream<String> lines = response.body()) {
        assertTrue(lines.anyMatch(l -> l.startsWith("data: ") && l.contains("\"NOW\"")));
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(millis < 5_000, "the event took " + millis + " ms with a 10-minute poll");
    }
  }

  @Test
  void concurrentWritersHereAndInAnotherProcessReachTheStreamInSeqOrderOnce() throws Exception {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Backlog backlog = backlogOn(url);
        Backlog other = backlogOn(url);
        Served both = new Served(backlog, b -> b.eventPoll(Duration.ofMillis(200)))) {
      int threads = 4;
      int each = 40;
      CompletableFuture<List<Long>> reader =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return read(
                      both,
                      both.request("/api/events/stream?after=0").GET().build(),
                      threads * each,
                      Long.MAX_VALUE);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        // Half write through the served backlog (pushed), half through another one on the same
        // database, which the server learns about only from the store.
        Backlog through = t % 2 == 0 ? backlog : other;
        String prefix = "T" + t + "-";
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < each; i++) {
                    through.create(NewCard.builder(prefix + i).title("card").build());
                  }
                }));
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      List<Event> all = backlog.events(EventQuery.after(0, 100_000));
      assertEquals(threads * each, all.size());
      assertEquals(all.stream().map(Event::seq).toList(), reader.get(60, TimeUnit.SECONDS));
    }
  }

  /**
   * Streams that start behind the ring (it keeps the newest 10,000 events) read the event log from
   * the store themselves; twelve of them on a pool of two connections all deliver every event, as
   * 200 subscribers on a pool of 16 must after the server restarts.
   */
  @Test
  void moreStreamsBehindTheRingThanPooledConnectionsAllDeliverEveryEvent() throws Exception {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Backlog backlog =
            Backlog.builder()
                .store(JdbcBacklogStore.builder().url(url).maxPoolSize(2).build())
                .actor("test")
                .build();
        Served small = new Served(backlog, b -> b)) {
      int cards = 10_500;
      backlog.inTransaction(
          tx -> {
            for (int i = 0; i < cards; i++) {
              tx.create(NewCard.builder("C" + i).title("card " + i).build());
            }
            return null;
          });
      long lastSeq = backlog.events(EventQuery.after(0, 100_000)).size();
      List<CompletableFuture<List<Long>>> streams = new ArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(12);
      for (int i = 0; i < 12; i++) {
        streams.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return read(
                        small,
                        small.request("/api/events/stream?after=0").GET().build(),
                        Integer.MAX_VALUE,
                        lastSeq);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                clients));
      }
      try {
        for (CompletableFuture<List<Long>> f : streams) {
          List<Long> seen = f.get(2, TimeUnit.MINUTES);
          assertEquals(cards, seen.size(), "a stream ended early");
          assertEquals(lastSeq, seen.get(seen.size() - 1));
        }
      } finally {
        clients.shutdownNow();
      }
    }
  }

  private static Backlog backlogOn(String url) {
    return Backlog.builder()
        .store(JdbcBacklogStore.builder().url(url).maxPoolSize(10).build())
        .actor("test")
        .build();
  }

  @Test
  void aStreamWithoutACursorStartsAtTheNewestEventAndDeliversNewOnesLive() throws Exception {
    s.backlog.create(NewCard.builder("OLD").title("old").build());
    // The answer's headers come once the stream has fixed its starting point.
    HttpResponse<Stream<String>> response =
        s.http.send(
            s.request("/api/events/stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
    s.backlog.create(NewCard.builder("NEW").title("new").build());
    long newSeq =
        s.backlog.events(new EventQuery(0, dev.backlog.core.CardId.of("NEW"), 10)).get(0).seq();
    try (Stream<String> lines = response.body()) {
      String firstId =
          lines.filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);
      assertEquals(newSeq, Long.parseLong(firstId));
    }
  }

  @Test
  void aMalformedLastEventIdIs400() {
    Served.Reply r =
        s.send(s.request("/api/events/stream").header("Last-Event-ID", "yesterday").GET().build());
    assertEquals(400, r.status());
    assertTrue(r.body().contains("yesterday"));
  }

  @Test
  void closingTheServerEndsOpenStreams() throws Exception {
    HttpResponse<Stream<String>> response =
        s.http.send(
            s.request("/api/events/stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    long t0 = System.nanoTime();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s.server::close);
    try (Stream<String> lines = response.body()) {
      assertTrue(lines.noneMatch(l -> l.startsWith("id: ")), "an event arrived");
    }
    closing.get(10, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close waited too long");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
