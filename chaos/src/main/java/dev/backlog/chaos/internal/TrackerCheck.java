package dev.backlog.chaos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The local tracker's files after a final {@code tracker sync}: every {@code feature.json} and
 * every line of every {@code events.jsonl} parses, each card's events are mirrored exactly once
 * (the ids are the store's seqs, none missing, none twice), and a done card's feature is complete.
 */
final class TrackerCheck {

  private TrackerCheck() {}

  static List<String> check(Path root, Backlog backlog) {
    List<String> violations = new ArrayList<>();
    for (Card card : backlog.list(CardQuery.ALL)) {
      Path dir = root.resolve("features").resolve(card.id().value());
      try {
        JsonNode feature = Plans.JSON.readTree(dir.resolve("feature.json").toFile());
        if (card.status() == CardStatus.DONE
            && !"complete".equals(feature.path("status").asText())) {
          violations.add(
              "tracker feature " + card.id() + " is " + feature.path("status") + ", card is done");
        }
        Set<String> expected = new TreeSet<>();
        for (Event e : backlog.events(new EventQuery(0, card.id(), EventQuery.MAX_LIMIT))) {
          expected.add("backlog-" + e.seq());
        }
        Set<String> seen = new HashSet<>();
        int lineNo = 0;
        for (String line :
            Files.readAllLines(dir.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
          lineNo++;
          String id = Plans.JSON.readTree(line).path("id").asText();
          if (!seen.add(id)) {
            violations.add("tracker event " + id + " of " + card.id() + " is mirrored twice");
          }
        }
        if (!seen.equals(expected)) {
          Set<String> missing = new TreeSet<>(expected);
          missing.removeAll(seen);
          Set<String> extra = new TreeSet<>(seen);
          extra.removeAll(expected);
          violations.add(
              "tracker events of "
                  + card.id()
                  + " differ from the store's ("
                  + lineNo
                  + " lines): missing "
                  + missing
                  + ", extra "
                  + extra);
        }
      } catch (IOException e) {
        violations.add("tracker files of " + card.id() + " do not parse: " + e.getMessage());
      }
    }
    return violations;
  }
}
