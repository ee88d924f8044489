package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.NewCard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrentClaimTest {

  @Test
  void sixteenHttpClientsClaimFiveHundredCardsEachExactlyOnce() throws Exception {
    try (Served s = new Served()) {
      s.backlog.inTransaction(
          tx -> {
            for (int i = 0; i < 500; i++) {
              tx.create(NewCard.builder(String.format("K%03d", i)).title("card " + i).build());
            }
            return null;
          });
      List<String> claimed = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 16; w++) {
        String owner = "w" + w;
        workers.add(
            pool.submit(
                () -> {
                  HttpClient http = HttpClient.newHttpClient();
                  while (true) {
                    JsonNode card =
                        post(http, s.url("/api/claims"), "{\"owner\":\"" + owner + "\"}");
                    if (card.isNull()) {
                      return null;
                    }
                    String id = card.get("id").asText();
                    claimed.add(id);
                    JsonNode done =
                        post(
                            http,
                            s.url("/api/cards/" + id + "/complete"),
                            "{\"token\":" + card.get("lease").get("token").asLong() + "}");
                    assertEquals("done", done.get("status").asText());
                  }
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
      pool.shutdown();
      Set<String> distinct = new HashSet<>(claimed);
      assertEquals(claimed.size(), distinct.size(), "a card was claimed twice");
      assertEquals(500, distinct.size(), "a card was never claimed");
      assertEquals(
          500,
          s.backlog.list(new CardQuery(CardStatus.DONE, null, false, CardQuery.MAX_LIMIT)).size());
    }
  }

  private static JsonNode post(HttpClient http, String url, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return Served.JSON.readTree(r.body());
  }
}
