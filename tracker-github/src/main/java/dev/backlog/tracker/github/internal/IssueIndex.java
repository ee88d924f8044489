package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One sync's view of the repository's issues and comments, read through the paginated lists: the
 * issues by feature code, by the op that created them and by number, and the event ids of each
 * issue's comments. Not thread-safe; one per sync.
 */
final class IssueIndex {

  private final Repo repo;
  private Map<CardId, JsonNode> byCode;
  private Map<String, JsonNode> byOp;
  private Map<Integer, JsonNode> byNumber;
  private final Map<Integer, Set<String>> commentIds = new HashMap<>();

  IssueIndex(Repo repo) {
    this.repo = repo;
  }

  /** Whether the issue list was read (or its reading started) in this sync. */
  boolean loaded() {
    return byCode != null;
  }

  /**
   * Reads the issue list, replacing what was read before; an issue found by a feature marker is
   * indexed by its code (the lowest number wins) and by the op that created it.
   */
  void load() {
    byCode = new HashMap<>();
    byOp = new HashMap<>();
    byNumber = new HashMap<>();
    for (JsonNode issue : repo.issues()) {
      byNumber.put(issue.path("number").asInt(), issue);
      String body = issue.path("body").isTextual() ? issue.path("body").asText() : null;
      Markers.featureMarker(body)
          .ifPresent(
              marker -> {
                JsonNode seen = byCode.get(marker.code());
                if (seen == null || seen.path("number").asInt() > issue.path("number").asInt()) {
                  byCode.put(marker.code(), issue);
                }
                if (!marker.op().isEmpty()) {
                  byOp.put(marker.op(), issue);
                }
              });
    }
  }

  /** The issue of a feature, or null. */
  JsonNode byCode(CardId code) {
    return byCode.get(code);
  }

  /** The issue an op created, or null. */
  JsonNode byOp(String op) {
    return byOp.get(op);
  }

  /** The issue with a number, or null. */
  JsonNode byNumber(int number) {
    return byNumber.get(number);
  }

  /** Records the issue just created for a feature. */
  void created(CardId code, JsonNode issue) {
    byCode.put(code, issue);
  }

  /**
   * The event ids of an issue's comments, read once per sync through the paginated list (so an
   * event another host or an earlier state directory already posted is not posted twice).
   */
  Set<String> commentIds(int number, boolean fresh) {
    if (fresh) {
      commentIds.remove(number);
    }
    Set<String> ids = commentIds.get(number);
    if (ids == null) {
      ids = new HashSet<>();
      for (JsonNode comment : repo.comments(number)) {
        Markers.eventId(comment.path("body").asText()).ifPresent(ids::add);
      }
      commentIds.put(number, ids);
    }
    return ids;
  }
}
