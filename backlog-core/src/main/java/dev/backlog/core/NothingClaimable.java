package dev.backlog.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Why a claim found nothing, as a person reads it: for a claim of one card, what {@link
 * Backlog#explain} says of it; otherwise what the cards it could have taken are doing instead, such
 * as {@code nothing claimable: 2 cards wait for their dependencies, 1 is deferred, 3 are claimed}.
 * Hosts print it where a claim comes back empty (the CLI's human output, the MCP server's text, the
 * Maven plugin's warning); the answer a program reads stays empty.
 *
 * <p>It reads the backlog in a transaction of its own after the claim, so a change in between can
 * show: a card that became claimable is said to have done so.
 */
public final class NothingClaimable {

  private NothingClaimable() {}

  /**
   * Says why {@code request} found nothing claimable now.
   *
   * @param backlog the backlog the claim ran against
   * @param request the claim that came back empty
   * @return a sentence starting {@code nothing claimable}; when the backlog cannot be read, one
   *     that says so (it never throws a {@link BacklogException}: the claim itself succeeded)
   */
  public static String describe(BacklogOperations backlog, ClaimRequest request) {
    try {
      if (request.card().isPresent()) {
        return ofCard(backlog.explain(request.card().get()));
      }
      Stats stats = backlog.stats();
      if (request.phase() != null) {
        return ofPhase(request.phase(), stats.byPhase().get(request.phase()));
      }
      return ofAll(stats);
    } catch (BacklogException e) {
      return "nothing claimable (why could not be read: " + e.getMessage() + ")";
    }
  }

  private static String ofCard(Explanation e) {
    if (e.claimable()) {
      return "nothing claimable: " + e.id() + " became claimable just now; claim again";
    }
    return "nothing claimable: "
        + e.id()
        + " "
        + String.join("; ", e.reasons().stream().map(Explanation.Reason::text).toList());
  }

  private static String ofPhase(String phase, Map<CardStatus, Long> counts) {
    String where = "nothing claimable in phase " + phase + ": ";
    if (counts == null) {
      return where + "no card has this phase";
    }
    List<String> parts = new ArrayList<>();
    long ready = counts.get(CardStatus.READY);
    if (ready > 0) {
      parts.add(
          cards(ready)
              + (ready == 1
                  ? " is ready but deferred or waiting for its dependencies"
                  : " are ready but deferred or waiting for their dependencies"));
    }
    statuses(parts, counts, ready == 0);
    return where + String.join(", ", parts);
  }

  private static String ofAll(Stats stats) {
    if (stats.total() == 0) {
      return "nothing claimable: the backlog has no cards; create some first";
    }
    if (stats.claimable() > 0) {
      return "nothing claimable when the claim ran; "
          + verb(stats.claimable(), true)
          + " claimable now; claim again";
    }
    List<String> parts = new ArrayList<>();
    long deferred = stats.deferred();
    long waiting = Math.max(0, stats.count(CardStatus.READY) - deferred);
    if (waiting > 0) {
      parts.add(
          cards(waiting)
              + (waiting == 1 ? " waits for its dependencies" : " wait for their dependencies"));
    }
    if (deferred > 0) {
      parts.add(verb(deferred, parts.isEmpty()) + " deferred");
    }
    statuses(parts, stats.counts(), parts.isEmpty());
    return "nothing claimable: " + String.join(", ", parts);
  }

  /** Adds the claimed, blocked and done counts that are not zero. */
  private static void statuses(
      List<String> parts, Map<CardStatus, Long> counts, boolean firstNamesCards) {
    for (CardStatus status : List.of(CardStatus.CLAIMED, CardStatus.BLOCKED, CardStatus.DONE)) {
      long n = counts.get(status);
      if (n > 0) {
        parts.add(verb(n, parts.isEmpty() && firstNamesCards) + " " + status.wireName());
      }
    }
  }

  /** {@code 1 card is} or {@code 3 are}: the noun only where the sentence has not named it yet. */
  private static String verb(long n, boolean withNoun) {
    return (withNoun ? cards(n) : Long.toString(n)) + (n == 1 ? " is" : " are");
  }

  private static String cards(long n) {
    return n + (n == 1 ? " card" : " cards");
  }
}
